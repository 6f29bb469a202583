package io.scopeline.query.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A JSON answer encoded once, and its gzip made at most once, for every client of a view that
 * accepts it: a 1 000-host tenant's hosts view is ~20 MB of JSON and ~1 MB gzipped.
 */
public final class EncodedBody {
  /** Below this, gzip saves less than it costs (Spring's own default threshold). */
  public static final int GZIP_MIN_BYTES = 2048;

  private final byte[] json;
  private final AtomicBoolean gzipClaimed = new AtomicBoolean();
  private volatile byte[] gzip;

  public EncodedBody(byte[] json) {
    this.json = json;
  }

  public byte[] json() {
    return json;
  }

  public boolean worthCompressing() {
    return json.length >= GZIP_MIN_BYTES;
  }

  /** The gzip if it was made already, else null (answer with {@link #json} meanwhile). */
  public byte[] gzipIfMade() {
    return gzip;
  }

  /** True for exactly one caller: the one that should {@link #makeGzip} (in the background). */
  boolean claimGzip() {
    return worthCompressing() && gzip == null && gzipClaimed.compareAndSet(false, true);
  }

  /**
   * Makes the gzip (fastest level: on JSON it still shrinks ~20×, at a fraction of the default
   * level's CPU, and it is made once per version of a view on the shared CPU pool).
   */
  void makeGzip() {
    if (gzip != null) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 8));
    try (GZIPOutputStream z = new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      z.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a memory stream does not fail
    }
    gzip = out.toByteArray();
  }
}
