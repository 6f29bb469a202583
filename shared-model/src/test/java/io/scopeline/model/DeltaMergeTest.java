package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.testsupport.SharedFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real probe's delta reports regain their ids and topologies when merged after the full report. */
class DeltaMergeTest {

  private static Report probe(String name) {
    return ReportCodec.decode(SharedFixtures.read("realprobe/inputs/" + name), ReportFormat.MSGPACK_GZIP,
        ReportLimits.DEFAULT);
  }

  @Test
  void fullThenDeltaLeavesNoPartMergedNode() {
    Report full = probe("post-full.gz.msgpack");
    for (String deltaName : List.of("post-delta.gz.msgpack", "post-delta2.gz.msgpack")) {
      Report delta = probe(deltaName);
      Report merged = Reports.merge(List.of(full, delta));
      int deltaNodes = 0;
      for (TopologyType type : TopologyType.all()) {
        KeyedMap<Node> mergedNodes = merged.topology(type).nodes();
        for (var e : delta.topology(type).nodes()) {
          deltaNodes++;
          Node node = mergedNodes.get(e.getKey());
          assertThat(node.id()).as("id of delta node %s", e.getKey()).isEqualTo(e.getKey());
          assertThat(node.topology()).as("topology of delta node %s", e.getKey()).isEqualTo(type.internalName());
        }
        mergedNodes.forEach((id, node) -> assertThat(node.isPartMerged()).as("part-merged %s", id).isFalse());
      }
      assertThat(deltaNodes).as("nodes in %s", deltaName).isPositive();
      assertThat(merged.withoutPartMergedNodes()).isEqualTo(merged);
    }
  }

  @Test
  void deltaAloneHasPartMergedNodesThatRenderingDrops() {
    Report delta = Reports.merge(List.of(probe("post-delta.gz.msgpack")));
    Report cleaned = delta.withoutPartMergedNodes();
    assertThat(cleaned.nodeCount()).isLessThan(delta.nodeCount());
    for (TopologyType type : TopologyType.all()) {
      cleaned.topology(type).nodes().forEach((id, n) -> assertThat(n.topology()).isEqualTo(type.internalName()));
    }
  }

  @Test
  void mergeKeepsNewestLatestValueAndSumsWindow() {
    Report full = probe("post-full.gz.msgpack");
    Report full2 = probe("post-full2.gz.msgpack");
    Report merged = Reports.merge(List.of(full, full2));
    assertThat(merged.windowNanos()).isEqualTo(full.windowNanos() + full2.windowNanos());
    Node host1 = full.topology(TopologyType.HOST).nodes().get("web-01;<host>");
    Node host2 = full2.topology(TopologyType.HOST).nodes().get("web-01;<host>");
    Node hostMerged = merged.topology(TopologyType.HOST).nodes().get("web-01;<host>");
    Node newer = host2.latest().timestamp("uptime") > host1.latest().timestamp("uptime") ? host2 : host1;
    assertThat(hostMerged.latest().get("uptime")).isEqualTo(newer.latest().get("uptime"));
    assertThat(merged.ts()).isEqualTo(Math.min(full.ts(), full2.ts()));
  }
}
