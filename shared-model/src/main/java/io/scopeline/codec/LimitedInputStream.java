package io.scopeline.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read (leaving the wrapped stream open on close) and fails with {@link ReportTooLargeException} once a limit is passed. */
final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private final ReportTooLargeException.Stage stage;
  private long count;

  LimitedInputStream(InputStream in, long limit, ReportTooLargeException.Stage stage) {
    super(in);
    this.limit = limit;
    this.stage = stage;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    add(skipped);
    return skipped;
  }

  private void add(long n) {
    count += n;
    if (count > limit) {
      throw new ReportTooLargeException(stage, limit);
    }
  }

  /** Does not close the wrapped stream: whoever opened it owns it. */
  @Override
  public void close() {}

  long count() {
    return count;
  }
}
