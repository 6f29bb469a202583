package io.scopeline.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Hostile and broken inputs are rejected with a typed error and a clear message, without reading
 * or buffering more than the limits allow. The surefire JVM has a 1 GiB heap, so a decoder that
 * buffered the 1 GiB bomb would fail with OutOfMemoryError instead.
 */
class BadInputTest {
  private static final long ONE_GIB = 1L << 30;

  private static Report smallReport() {
    Node host = Node.of("h1;<host>", "host").withLatest("host_name", 1_000_000_000L, "h1");
    return Report.builder().id("r1")
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(host)).build();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  /** One host with {@code entries} latest entries: two short strings each. */
  private static Report hostWithLatestEntries(int entries) {
    long t = 1_795_311_567_000_000_000L;
    Node node = Node.of("h;<host>", "host");
    for (int i = 0; i < entries; i++) {
      node = node.withLatest("k" + i, t, "v" + i);
    }
    return Report.builder().topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(node)).build();
  }

  @Test
  void millionsOfShortStringsAreRejectedByTheirDecodedSizeNotDecodedIntoTheHeap() {
    Report many = hostWithLatestEntries(40_000);
    for (ReportFormat format : new ReportFormat[] {ReportFormat.MSGPACK_GZIP, ReportFormat.JSON}) {
      byte[] body = ReportCodec.encode(many, format);
      // 80 000 strings: about 4.5 MB as objects, against a 1 MiB budget.
      ReportLimits budget = new ReportLimits(16L << 20, 128L << 20, 50_000, 1L << 20,
          ReportLimits.DEFAULT_DECODE_TIME);
      assertThatThrownBy(() -> ReportCodec.decode(body, format, budget)).as(format.toString())
          .isInstanceOf(ReportTooLargeException.class)
          .hasMessageContaining("strings would take more than 1048576 bytes")
          .satisfies(e -> assertThat(((ReportTooLargeException) e).reason()).isEqualTo("too-large-decoded"));
      assertThat(ReportCodec.decode(body, format, ReportLimits.DEFAULT).topology(TopologyType.HOST).nodes().size())
          .as("within the default budget").isEqualTo(1);
    }
  }

  @Test
  void aDecodeThatRunsPastItsTimeLimitIsRefusedAsTooSlow() {
    Report many = hostWithLatestEntries(5_000);
    // A nanosecond has passed by the first check of the clock: the limit is what is being tested.
    ReportLimits instant = new ReportLimits(16L << 20, 128L << 20, 50_000, 256L << 20, Duration.ofNanos(1));
    for (ReportFormat format : new ReportFormat[] {ReportFormat.MSGPACK_GZIP, ReportFormat.JSON}) {
      byte[] body = ReportCodec.encode(many, format);
      assertThatThrownBy(() -> ReportCodec.decode(body, format, instant)).as(format.toString())
          .isInstanceOf(ReportTooLargeException.class)
          .hasMessageContaining("decoding it takes longer than 0 ms")
          .satisfies(e -> assertThat(((ReportTooLargeException) e).reason()).isEqualTo("too-slow-to-decode"));
      assertThat(ReportCodec.decode(body, format, ReportLimits.DEFAULT).topology(TopologyType.HOST).nodes().size())
          .as("within the default time").isEqualTo(1);
    }
  }

  @Test
  void aNodeNamingAnotherTopologyThanTheOneHoldingItIsMalformed() {
    long t = 1_795_311_567_000_000_000L;
    // Merged with the same host of another report this could never work (Scope panics): refused
    // at decode, so the bridge answers 400 instead of 200 and a dead letter later.
    Report wrong = Report.builder().topology(TopologyType.HOST, TopologyType.HOST.defaultTopology()
        .withNode(Node.of("h;<host>", "process").withLatest("host_name", t, "h"))).build();
    for (ReportFormat format : new ReportFormat[] {ReportFormat.MSGPACK_GZIP, ReportFormat.JSON}) {
      byte[] body = ReportCodec.encode(wrong, format);
      assertThatThrownBy(() -> ReportCodec.decode(body, format, ReportLimits.DEFAULT)).as(format.toString())
          .isInstanceOf(MalformedReportException.class)
          .hasMessageContaining("node 'h;<host>' of Host names topology 'process', not 'host'");
    }
    Report blank = Report.builder().topology(TopologyType.HOST, TopologyType.HOST.defaultTopology()
        .withNode(Node.of("h;<host>", "").withLatest("host_name", t, "h"))).build();
    assertThat(ReportCodec.decode(ReportCodec.encode(blank, ReportFormat.MSGPACK_GZIP), ReportFormat.MSGPACK_GZIP,
        ReportLimits.DEFAULT).topology(TopologyType.HOST).nodes().size()).as("a delta's blank topology").isEqualTo(1);
  }

  /** Decodes {@code body} below {@code depth} frames of this method; what the decoder threw, or null. */
  private static Throwable decodeBelow(int depth, byte[] body) {
    if (depth > 0) {
      return decodeBelow(depth - 1, body);
    }
    try {
      ReportCodec.decode(body, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT);
      return null;
    } catch (ReportDecodeException e) {
      return e;
    }
  }

  @Test
  void aStackOverflowWhileDecodingIsARejectionNotAnError() throws Exception {
    byte[] body = ReportCodec.encode(smallReport(), ReportFormat.MSGPACK_GZIP);
    java.util.List<Throwable> seen = new java.util.ArrayList<>();
    // Ever less stack is left for the decoder, until it runs out inside the decoder: Reactor would
    // rethrow a StackOverflowError (hanging the record's partition); it must be a typed rejection.
    Thread t = new Thread(null, () -> {
      for (int depth = 0; depth < 100_000; depth += 7) {
        try {
          Throwable e = decodeBelow(depth, body);
          if (e != null) {
            seen.add(e);
            return;
          }
        } catch (StackOverflowError e) {
          seen.add(e);
          return;
        }
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join(60_000);
    assertThat(seen).singleElement().isInstanceOf(MalformedReportException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("nests too deeply"));
  }

  @Test
  void truncatedGzipIsMalformed() {
    byte[] whole = ReportCodec.encode(smallReport(), ReportFormat.MSGPACK_GZIP);
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    assertThatThrownBy(() -> ReportCodec.decode(cut, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT))
        .isInstanceOf(MalformedReportException.class).hasMessageContaining("truncated");
  }

  @Test
  void truncatedPlainMsgpackIsMalformed() {
    byte[] whole = ReportCodec.encode(smallReport(), ReportFormat.MSGPACK);
    byte[] cut = Arrays.copyOf(whole, whole.length - 5);
    assertThatThrownBy(() -> ReportCodec.decode(cut, ReportFormat.MSGPACK, ReportLimits.DEFAULT))
        .isInstanceOf(MalformedReportException.class).hasMessageContaining("truncated");
  }

  @Test
  void aFewBytesClaimingAHugeStringAreMalformedWithoutAllocatingIt() {
    // {"ID": <str32 of 128 MiB - 1>} with the string's bytes missing: six bytes of body claim it all.
    byte[] claim = {(byte) 0x81, (byte) 0xa2, 'I', 'D', (byte) 0xdb, 0x07, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> ReportCodec.decode(claim, ReportFormat.MSGPACK, ReportLimits.DEFAULT))
        .isInstanceOf(MalformedReportException.class);
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated").isLessThan(8L << 20);
  }

  @Test
  void randomBytesAreMalformedInEveryFormat() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + random.nextInt(4096)];
      random.nextBytes(junk);
      for (ReportFormat format : ReportFormat.values()) {
        assertThatThrownBy(() -> ReportCodec.decode(junk, format, ReportLimits.DEFAULT))
            .as("junk #%d as %s", i, format).isInstanceOf(ReportDecodeException.class);
      }
    }
  }

  @Test
  void gzipMagicFollowedByJunkIsInvalidGzip() {
    byte[] junk = {0x1f, (byte) 0x8b, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    assertThatThrownBy(() -> ReportCodec.decode(junk, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT))
        .isInstanceOf(MalformedReportException.class).hasMessageContaining("gzip");
  }

  @Test
  void wrongJsonTypesNameTheField() {
    assertThatThrownBy(() -> decodeJson("{\"Window\":\"three seconds\"}"))
        .isInstanceOf(MalformedReportException.class).hasMessageContaining("Window")
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> decodeJson("{\"Host\":{\"nodes\":{\"h;<host>\":{\"latest\":[1,2]}}}}"))
        .isInstanceOf(MalformedReportException.class).hasMessageContaining("latest")
        .hasMessageContaining("Host node 'h;<host>'");
    assertThatThrownBy(() -> decodeJson("{\"Host\":{\"nodes\":{\"h\":{\"adjacency\":\"n2\"}}}}"))
        .isInstanceOf(MalformedReportException.class).hasMessageContaining("adjacency");
    assertThatThrownBy(() -> decodeJson("[1,2,3]")).isInstanceOf(MalformedReportException.class)
        .hasMessageContaining("report object");
    assertThatThrownBy(() -> decodeJson("{\"TS\":\"yesterday\"}")).isInstanceOf(MalformedReportException.class)
        .hasMessageContaining("yesterday");
  }

  @Test
  void emptyBodyIsMalformed() {
    for (ReportFormat format : ReportFormat.values()) {
      assertThatThrownBy(() -> ReportCodec.decode(new byte[0], format, ReportLimits.DEFAULT))
          .isInstanceOf(MalformedReportException.class);
    }
  }

  private static Report decodeJson(String json) {
    return ReportCodec.decode(json.getBytes(StandardCharsets.UTF_8), ReportFormat.JSON, ReportLimits.DEFAULT);
  }

  /** A gzip of many concatenated members: 1 GiB of JSON whitespace inside an object, from ~1 MB of input. */
  private static byte[] jsonGzipBomb() throws IOException {
    byte[] spaces = new byte[1 << 20];
    Arrays.fill(spaces, (byte) ' ');
    byte[] member = gzip(spaces);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(gzip("{\"ID\":\"bomb\",".getBytes(StandardCharsets.UTF_8)));
    for (long n = 0; n < ONE_GIB; n += spaces.length) {
      out.write(member);
    }
    out.write(gzip("\"Window\":0}".getBytes(StandardCharsets.UTF_8)));
    return out.toByteArray();
  }

  @Test
  void gzipBombExpandingToOneGibIsStoppedAtTheDecompressedLimit() throws IOException {
    byte[] bomb = jsonGzipBomb();
    assertThat((long) bomb.length).isLessThan(ReportLimits.DEFAULT.maxCompressedBytes());
    assertThatThrownBy(() -> ReportCodec.decode(bomb, ReportFormat.JSON_GZIP, ReportLimits.DEFAULT))
        .isInstanceOfSatisfying(ReportTooLargeException.class,
            e -> assertThat(e.stage()).isEqualTo(ReportTooLargeException.Stage.DECOMPRESSED))
        .hasMessageContaining("decompressed");
  }

  @Test
  void msgpackStringDeclaringOneGibIsRejectedBeforeAllocating() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessagePacker p = MessagePack.newDefaultPacker(out);
    p.packMapHeader(1).packString("ID").packRawStringHeader((int) (ONE_GIB - 1));
    p.flush();
    byte[] body = out.toByteArray();
    assertThatThrownBy(() -> ReportCodec.decode(body, ReportFormat.MSGPACK, ReportLimits.DEFAULT))
        .isInstanceOf(ReportTooLargeException.class);
  }

  @Test
  void oversizedBodyIsRejectedBeforeDecoding() {
    byte[] body = ReportCodec.encode(smallReport(), ReportFormat.JSON);
    ReportLimits tiny = new ReportLimits(body.length - 1, 1 << 20, 100);
    assertThatThrownBy(() -> ReportCodec.decode(body, ReportFormat.JSON, tiny))
        .isInstanceOfSatisfying(ReportTooLargeException.class,
            e -> assertThat(e.stage()).isEqualTo(ReportTooLargeException.Stage.COMPRESSED));
    assertThatThrownBy(() -> ReportCodec.decode(new java.io.ByteArrayInputStream(body), ReportFormat.JSON, tiny))
        .isInstanceOf(ReportTooLargeException.class);
  }

  @Test
  void hundredThousandNodesInOneTopologyAreRejectedInMsgpackAndJson() throws IOException {
    KeyedMap.Builder<Node> nodes = KeyedMap.builder(100_000);
    for (int i = 0; i < 100_000; i++) {
      String id = ";10.0." + (i >> 8 & 255) + "." + (i & 255) + ";" + i;
      nodes.put(id, Node.of(id, "endpoint"));
    }
    Report huge = Report.builder().topology(TopologyType.ENDPOINT, Topology.EMPTY.withNodes(nodes.build())).build();
    for (ReportFormat format : ReportFormat.values()) {
      byte[] body = ReportCodec.encode(huge, format);
      assertThatThrownBy(() -> ReportCodec.decode(body, format, ReportLimits.DEFAULT))
          .as(format.name()).isInstanceOfSatisfying(TooManyNodesException.class,
              e -> assertThat(e.topology()).isEqualTo("Endpoint"))
          .hasMessageContaining("50000");
    }
  }

  @Test
  void deeplyNestedChildrenAreRejected() {
    StringBuilder sb = new StringBuilder("{\"Host\":{\"nodes\":{\"h\":");
    int depth = 10_000;
    for (int i = 0; i < depth; i++) {
      sb.append("{\"children\":[");
    }
    for (int i = 0; i < depth; i++) {
      sb.append("]}");
    }
    sb.append("}}}");
    assertThatThrownBy(() -> decodeJson(sb.toString())).isInstanceOf(MalformedReportException.class);
  }

  @Test
  void decodeErrorsCarryAShortReasonCode() {
    assertThat(new MalformedReportException("x").reason()).isEqualTo("malformed");
    assertThat(new TooManyNodesException("Endpoint", 1).reason()).isEqualTo("too-many-nodes");
    assertThat(new ReportTooLargeException(ReportTooLargeException.Stage.DECOMPRESSED, 1).reason())
        .isEqualTo("too-large-decompressed");
  }

}
