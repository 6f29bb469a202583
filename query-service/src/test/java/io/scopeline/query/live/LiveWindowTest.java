package io.scopeline.query.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The incremental live window equals merging from scratch the quanta Scope's window holds. */
class LiveWindowTest {
  private static final long Q = 3_000_000_000L;
  private static final long WINDOW = 15_000_000_000L;
  private static final long T0 = 1_795_311_567L * 1_000_000_000L / Q * Q;

  private static Report host(String name, long ts, String value) {
    Node n = Node.of(name + ";<host>", "host").withLatest("host_name", ts, name).withLatest("load", ts, value);
    return Report.builder().id(name + ts).ts(ts).windowNanos(Q)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(n)).build();
  }

  @Test
  void randomArrivalsAndSlidesEqualAFromScratchMergeOfTheWindow() {
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      LiveWindow live = new LiveWindow(TenantId.of("t"), WINDOW, "test", 0);
      // Every segment ever added, by quantum start (what a from-scratch read of the index gives).
      TreeMap<Long, List<Report>> stored = new TreeMap<>();
      long now = T0;
      int n = 0;
      for (int step = 0; step < 60; step++) {
        now += random.nextInt(2_000) * 1_000_000L;
        int segments = random.nextInt(3);
        for (int s = 0; s < segments; s++) {
          // Mostly the current quantum; sometimes a late segment of an older one still in the window.
          long quantum = Math.floorDiv(now, Q) * Q - (random.nextInt(4) == 0 ? random.nextInt(5) * Q : 0);
          Report r = host("h" + random.nextInt(6), quantum + random.nextInt(1_000), "v" + n);
          String key = "k/" + quantum + "-" + (n++);
          if (live.claim(key, quantum, now)) {
            live.addSegment(key, quantum, r);
            stored.computeIfAbsent(quantum, q -> new ArrayList<>()).add(r);
          }
        }
        Report incremental = live.current(now).report();
        List<Report> inWindow = new ArrayList<>();
        stored.tailMap(now - WINDOW, true).values().forEach(inWindow::addAll);
        Report scratch = Reports.merge(inWindow);
        assertThat(incremental.withId("")).as("seed %d step %d", seed, step).isEqualTo(scratch.withId(""));
      }
    }
  }

  @Test
  void ofTwoCutsOfTheSameRecordsOnlyTheOneHoldingMoreCountsWhicheverArrivesFirst() {
    TenantId t = TenantId.of("t");
    // A replay after a crash cut a quantum's records 10..20 of partition 0 in two where the first
    // run wrote one segment (the hot copies of both are in Redis until they expire).
    String whole = io.scopeline.keys.StorageKeys.objectKey(t, T0, 0, 10, 20);
    String head = io.scopeline.keys.StorageKeys.objectKey(t, T0, 0, 10, 14);
    String tail = io.scopeline.keys.StorageKeys.objectKey(t, T0, 0, 15, 20);
    String otherPartition = io.scopeline.keys.StorageKeys.objectKey(t, T0, 1, 12, 13);
    Report wholeReport = host("a", T0 + 1, "whole");
    Report other = host("b", T0 + 2, "other");
    for (List<String> order : List.of(List.of(head, whole, otherPartition, tail), List.of(tail, otherPartition, whole,
        head))) {
      LiveWindow live = new LiveWindow(t, WINDOW, "test", 0);
      for (String key : order) {
        Report r = key.equals(whole) ? wholeReport : key.equals(otherPartition) ? other : host("a", T0, key);
        if (live.claim(key, T0, T0)) {
          live.addSegment(key, T0, r);
        }
      }
      assertThat(live.current(T0 + 1).report().withId("")).as("order %s", order)
          .isEqualTo(Reports.merge(List.of(wholeReport, other)).withId(""));
    }
  }

  @Test
  void aQuantumLeavesExactlyWhenItsStartFallsOutOfTheWindow() {
    LiveWindow live = new LiveWindow(TenantId.of("t"), WINDOW, "test", 0);
    live.claim("k/a", T0, T0);
    live.addSegment("k/a", T0, host("a", T0, "1"));
    assertThat(live.outdated(T0)).as("a segment came since the last version").isTrue();
    LiveWindow.Version v = live.current(T0 + WINDOW);
    assertThat(v.report().topology(TopologyType.HOST).nodes().get("a;<host>")).as("start == now - window").isNotNull();
    assertThat(live.current(T0 + WINDOW)).as("unchanged: the same version").isSameAs(v);
    // What answers may be served from without the lock, and when a new version is due.
    assertThat(live.latest()).isSameAs(v);
    assertThat(live.outdated(T0 + WINDOW)).isFalse();
    assertThat(live.outdated(T0 + WINDOW + 1)).as("its quantum leaves").isTrue();
    LiveWindow.Version later = live.current(T0 + WINDOW + 1);
    assertThat(live.outdated(T0 + WINDOW + 1)).isFalse();
    assertThat(later.report().topology(TopologyType.HOST).nodes().size()).isZero();
    assertThat(later.number()).isGreaterThan(v.number());
    assertThat(live.claim("k/a", T0, T0 + WINDOW + 1)).as("too old to come back").isFalse();
  }

  @Test
  void shortcutsNewerThanTheNewestQuantumAreOnTopAndAKeyIsLoadedOnce() {
    LiveWindow live = new LiveWindow(TenantId.of("t"), WINDOW, "test", 0);
    assertThat(live.claim("k/q", T0, T0)).isTrue();
    assertThat(live.claim("k/q", T0, T0)).as("claimed already").isFalse();
    live.addSegment("k/q", T0, host("a", T0, "1"));
    live.addShortcut("k/shortcut-1", T0 + 500, host("started", T0 + 500, "1"));
    live.addShortcut("k/shortcut-0", T0 - 500, host("older", T0 - 500, "1"));
    var nodes = live.current(T0 + 1_000).report().topology(TopologyType.HOST).nodes();
    assertThat(nodes.get("started;<host>")).isNotNull();
    assertThat(nodes.get("older;<host>")).as("older than the newest quantum: in it already").isNull();
    live.release("k/q");
    assertThat(live.claim("k/q", T0, T0)).as("held keys stay claimed").isFalse();
  }

  @Test
  void changesCloseTogetherAreShownTogetherInTheNextVersion() {
    long minVersion = 500_000_000L;
    LiveWindow live = new LiveWindow(TenantId.of("t"), WINDOW, "test", minVersion);
    LiveWindow.Version v0 = live.current(T0);
    live.addShortcut("k/shortcut-1", T0 + 1, host("a", T0 + 1, "1"));
    live.addShortcut("k/shortcut-2", T0 + 2, host("b", T0 + 2, "1"));
    assertThat(live.current(T0 + 100_000_000L)).as("within the interval: the version shown before").isSameAs(v0);
    var nodes = live.current(T0 + minVersion).report().topology(TopologyType.HOST).nodes();
    assertThat(nodes.get("a;<host>")).isNotNull();
    assertThat(nodes.get("b;<host>")).isNotNull();
  }
}
