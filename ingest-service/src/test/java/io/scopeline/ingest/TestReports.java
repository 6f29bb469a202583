package io.scopeline.ingest;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;

/** Small reports shaped like a probe's, generated for tests. */
final class TestReports {
  private TestReports() {}

  static Report host(String host, long tsNanos) {
    return host(host, tsNanos, 3_000_000_000L);
  }

  static Report host(String host, long tsNanos, long windowNanos) {
    String id = host + ";<host>";
    Node node = Node.of(id, "host").withLatest("host_name", tsNanos, host).withLatest("os", tsNanos, "linux");
    Node proc = Node.of(host + ";42", "process").withLatest("pid", tsNanos, "42").withLatest("name", tsNanos, "nginx");
    return Report.builder().id(host + "-" + tsNanos).ts(tsNanos).windowNanos(windowNanos)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(node))
        .topology(TopologyType.PROCESS, TopologyType.PROCESS.defaultTopology().withNode(proc)).build();
  }

  static byte[] gzipMsgpack(Report r) {
    return ReportCodec.encode(r, ReportFormat.MSGPACK_GZIP);
  }
}
