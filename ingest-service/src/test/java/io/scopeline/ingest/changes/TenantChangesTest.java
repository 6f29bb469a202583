package io.scopeline.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.keys.ChangeEvent;
import io.scopeline.keys.TenantId;
import io.scopeline.render.TopologyFacts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantChangesTest {
  private static final TenantId T = TenantId.of("t");
  private static final Duration DEBOUNCE = Duration.ofMinutes(5);
  private static final Duration GONE = Duration.ofSeconds(60);

  private static TopologyFacts facts(List<String> containers, ChangeReports.Link... links) {
    return TopologyFacts.of(ChangeReports.of(1, containers, List.of(links)), "containers");
  }

  private static List<String> kinds(TenantChanges.Outcome o) {
    return o.events().stream().map(e -> e.kind() + " " + e.subject() + (e.target() == null ? "" : " " + e.target()))
        .toList();
  }

  @Test
  void containersEdgesAndDestinationsAreAnnouncedOnceAndAbsentContainersDisappearAfterAWhile() {
    TenantChanges c = new TenantChanges(T, "containers");
    var web = new ChangeReports.Link("web", "db");
    var out = new ChangeReports.Link("web", "93.184.216.34;443");
    assertThat(kinds(c.observe(facts(List.of("web", "db"), web, out), 0, 0, DEBOUNCE, 100))).containsExactlyInAnyOrder(
        "node_appeared web;<container>", "node_appeared db;<container>",
        "new_edge web;<container> db;<container>", "new_edge web;<container> out-theinternet",
        "new_external_destination 93.184.216.34:443");
    assertThat(c.observe(facts(List.of("web", "db"), web, out), 0, 3_000, DEBOUNCE, 100).events()).isEmpty();

    // db goes quiet: gone only once it has been absent for a minute.
    assertThat(c.observe(facts(List.of("web")), 0, 6_000, DEBOUNCE, 100).events()).isEmpty();
    assertThat(c.sweep(30_000, GONE, DEBOUNCE).events()).isEmpty();
    assertThat(kinds(c.sweep(63_001, GONE, DEBOUNCE))).containsExactly("node_disappeared db;<container>");
    // The edge to it is remembered: its return is not a new edge, but a new node again (5 min later).
    assertThat(kinds(c.observe(facts(List.of("web", "db"), web), 0, 400_000, DEBOUNCE, 100)))
        .containsExactly("node_appeared db;<container>");
  }

  /** Events about container "flappy" in 20 minutes of it being there for 30 s and gone for 90 s. */
  private static int flappyEvents(Duration debounce) {
    TenantChanges c = new TenantChanges(T, "containers");
    int events = 0;
    long now = 0;
    for (int cycle = 0; cycle < 10; cycle++, now += 120_000) {
      for (TenantChanges.Outcome o : List.of(c.observe(facts(List.of("web", "flappy")), 0, now, debounce, 100),
          c.observe(facts(List.of("web")), 0, now + 30_000, debounce, 100),
          c.sweep(now + 30_000 + 61_000, GONE, debounce))) {
        events += (int) o.events().stream().filter(e -> e.subject().startsWith("flappy")).count();
      }
    }
    return events;
  }

  @Test
  void aFlappingContainerMakesAtMostTwoEventsPerDebounce() {
    assertThat(flappyEvents(Duration.ZERO)).as("every appearance and disappearance").isEqualTo(20);
    // 20 minutes: at most two events in any 5 minutes.
    assertThat(flappyEvents(DEBOUNCE)).isBetween(2, 8);
  }

  @Test
  void aRestoredStateAnnouncesNothingItKnew() {
    TenantChanges c = new TenantChanges(T, "containers");
    var web = new ChangeReports.Link("web", "db");
    Map<String, byte[]> hash = new HashMap<>(c.observe(facts(List.of("web", "db"), web), 0, 0, DEBOUNCE, 100)
        .remember());
    TenantChanges restored = TenantChanges.restore(T, "containers", hash, 10_000);
    assertThat(restored.observe(facts(List.of("web", "db"), web), 0, 10_000, DEBOUNCE, 100).events()).isEmpty();
    assertThat(kinds(restored.observe(facts(List.of("web", "db", "cache"), web, new ChangeReports.Link("web", "cache")),
        0, 13_000, DEBOUNCE, 100))).containsExactlyInAnyOrder("node_appeared cache;<container>",
        "new_edge web;<container> cache;<container>");
    // A node that went away while nothing was running disappears a minute after the restore.
    assertThat(kinds(restored.sweep(70_001, GONE, DEBOUNCE))).isEmpty();
    assertThat(ChangeEvent.parse(restored.observe(facts(List.of("x")), 5, 80_000, DEBOUNCE, 100).events().get(0)
        .toJson()).kind()).isEqualTo(ChangeEvent.NODE_APPEARED);
  }

  @Test
  void pastMaxRememberedNewEdgesAreNotAnnounced() {
    TenantChanges c = new TenantChanges(T, "containers");
    c.observe(facts(List.of("a", "b", "c"), new ChangeReports.Link("a", "b")), 0, 0, DEBOUNCE, 1);
    assertThat(c.full()).isFalse();
    var out = c.observe(facts(List.of("a", "b", "c"), new ChangeReports.Link("a", "b"), new ChangeReports.Link("a", "c")),
        0, 3_000, DEBOUNCE, 1);
    assertThat(out.events()).isEmpty();
    assertThat(c.full()).isTrue();
  }
}
