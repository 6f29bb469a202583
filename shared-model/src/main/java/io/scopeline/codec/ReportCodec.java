package io.scopeline.codec;

import io.scopeline.model.Report;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Decodes and encodes reports in every format Scope uses, streaming from the bytes and enforcing
 * {@link ReportLimits}. Every decoding failure surfaces as a {@link ReportDecodeException}.
 */
public final class ReportCodec {
  private static final int GZIP_BUFFER = 16 * 1024;

  private ReportCodec() {}

  /** Decodes a whole body; gzip is detected by its magic bytes whatever {@code format} says. */
  public static Report decode(byte[] body, ReportFormat format, ReportLimits limits) {
    if (body.length > limits.maxCompressedBytes()) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.COMPRESSED, limits.maxCompressedBytes());
    }
    boolean gzip = body.length >= 2 && (body[0] & 0xFF) == 0x1f && (body[1] & 0xFF) == 0x8b;
    return decodeFrom(new ByteArrayInputStream(body), gzip, format, limits);
  }

  /** Reads one report from {@code raw}, gunzipping when {@code gzip}; every failure is typed. */
  private static final String NESTS_TOO_DEEPLY = "report nests too deeply to decode";

  private static Report decodeFrom(InputStream raw, boolean gzip, ReportFormat format, ReportLimits limits) {
    ReportReader reader = null;
    // Closing the gzip stream frees its native inflater now rather than at GC.
    try (InputStream plain = gzip ? new GZIPInputStream(raw, GZIP_BUFFER) : raw) {
      reader = newReader(plain, format, limits);
      return reader.readReport();
    } catch (IOException e) {
      throw classifyIo(e, reader);
    } catch (RuntimeException e) {
      throw classify(e, reader, format);
    } catch (StackOverflowError e) {
      // Reactor rethrows Errors instead of signalling them: uncaught, the record's partition or
      // the upload would hang for good. The stack is unwound by now, so going on is safe; the
      // message is a constant because little stack may be left here.
      throw new MalformedReportException(NESTS_TOO_DEEPLY, e);
    } catch (OutOfMemoryError e) {
      // One report's allocation failed (what it held is garbage now); the process goes on.
      throw new MalformedReportException("report needs more memory to decode than is free: " + e.getMessage(), e);
    }
  }

  private static ReportReader newReader(InputStream plain, ReportFormat format, ReportLimits limits) {
    InputStream limited = new LimitedInputStream(plain, limits.maxDecompressedBytes(),
        ReportTooLargeException.Stage.DECOMPRESSED);
    DecodeBudget budget = new DecodeBudget(limits);
    StructReader structs = format.isMsgpack()
        ? new MsgpackStructReader(limited, limits.maxDecompressedBytes(), budget)
        : new JsonStructReader(limited, budget);
    return new ReportReader(structs, limits, budget);
  }

  private static ReportDecodeException classify(RuntimeException e, ReportReader reader, ReportFormat format) {
    if (e instanceof ReportDecodeException d) {
      return d;
    }
    if (e instanceof UncheckedIOException u) {
      return classifyIo(u.getCause(), reader);
    }
    return malformed(e, reader, format);
  }

  /** Decodes from a stream, reading no more than the limits allow. The stream is not closed. */
  public static Report decode(InputStream body, ReportFormat format, ReportLimits limits) {
    // The limiter does not pass close() on, so closing what wraps it leaves the caller's stream open.
    InputStream raw = new LimitedInputStream(body, limits.maxCompressedBytes(), ReportTooLargeException.Stage.COMPRESSED);
    InputStream buffered = raw.markSupported() ? raw : new BufferedInputStream(raw, GZIP_BUFFER);
    boolean gzip;
    try {
      gzip = isGzip(buffered);
    } catch (IOException e) {
      throw classifyIo(e, null);
    }
    return decodeFrom(buffered, gzip, format, limits);
  }

  private static ReportDecodeException classifyIo(IOException e, ReportReader reader) {
    if (e instanceof ZipException) {
      return new MalformedReportException("invalid gzip data: " + e.getMessage(), e);
    }
    if (e instanceof EOFException) {
      return new MalformedReportException("report is truncated (unexpected end of input"
          + (reader == null ? "" : " in " + reader.location()) + ")", e);
    }
    return new MalformedReportException("cannot read report: " + e, e);
  }

  private static MalformedReportException malformed(RuntimeException e, ReportReader reader, ReportFormat format) {
    String where = reader == null ? "report" : reader.location();
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    if (detail.contains("Unexpected end-of-input") || e.getClass().getSimpleName().contains("InsufficientBuffer")) {
      return new MalformedReportException("report is truncated (unexpected end of input in " + where + ")", e);
    }
    return new MalformedReportException("malformed " + (format.isMsgpack() ? "msgpack" : "JSON") + " report at "
        + where + ": " + detail, e);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static boolean isGzip(InputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b;
  }

  /** Encodes into {@code out} (not closed), gzip at the default level. */
  public static void encode(Report report, ReportFormat format, OutputStream out) {
    encode(report, format, Deflater.DEFAULT_COMPRESSION, out);
  }

  /**
   * Encodes into {@code out} (not closed); {@code gzipLevel} (1 fastest … 9 smallest, -1 default)
   * applies to gzip formats.
   */
  public static void encode(Report report, ReportFormat format, int gzipLevel, OutputStream out) {
    try {
      if (format.isGzip()) {
        GZIPOutputStream gz = new GZIPOutputStream(out, GZIP_BUFFER) {
          {
            def.setLevel(gzipLevel);
          }
        };
        writeTo(report, format, gz);
        gz.finish();
      } else {
        writeTo(report, format, out);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeTo(Report report, ReportFormat format, OutputStream out) {
    StructWriter w = format.isMsgpack() ? new MsgpackStructWriter(out) : new JsonStructWriter(out);
    new ReportWriter(w).write(report);
  }

  public static byte[] encode(Report report, ReportFormat format) {
    return encode(report, format, Deflater.DEFAULT_COMPRESSION);
  }

  /** {@code report} encoded; {@code gzipLevel} (1 fastest … 9 smallest, -1 default) applies to gzip formats. */
  public static byte[] encode(Report report, ReportFormat format, int gzipLevel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    encode(report, format, gzipLevel, out);
    return out.toByteArray();
  }
}
