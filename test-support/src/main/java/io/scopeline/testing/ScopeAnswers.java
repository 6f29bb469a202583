package io.scopeline.testing;

import io.scopeline.testsupport.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The Scope app's recorded answers for a fixture (expected/index.tsv), and comparing ours with them. */
public final class ScopeAnswers {
  /** One recorded request: the file holding the answer and the URL asked. */
  public record Answer(String file, String url) {
    @Override
    public String toString() {
      return url;
    }
  }

  private ScopeAnswers() {}

  /** Every recorded GET under {@code /api/topology}, WebSocket first frames included when {@code withSockets}. */
  public static List<Answer> topology(boolean withSockets) {
    return topology("fixture", withSockets);
  }

  /** As {@link #topology(boolean)}, for another fixture directory ({@code cluster4}, …). */
  public static List<Answer> topology(String fixture, boolean withSockets) {
    List<Answer> out = new ArrayList<>();
    String index = new String(SharedFixtures.read(fixture + "/expected/index.tsv"), StandardCharsets.UTF_8);
    for (String line : index.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length > 3 && f[1].equals("GET") && f[2].startsWith("/api/topology")
          && (withSockets || !f[2].contains("/ws"))) {
        out.add(new Answer(f[0], f[2]));
      }
    }
    return out;
  }

  /**
   * How {@code actual} differs from the recorded answer, ignoring the fields UNSTABLE.tsv lists;
   * empty when it matches the answer or its accepted alternative.
   */
  public static List<String> diff(Answer answer, byte[] actual) {
    var ignored = Unstable.pathsFor(answer.file());
    List<String> diff = JsonCompare.diff(JsonCompare.parse(SharedFixtures.read("fixture/expected/" + answer.file())),
        JsonCompare.parse(actual), ignored);
    String alt = "fixture/expected/alternatives/" + answer.file().replace(".json", ".alt1.json");
    if (!diff.isEmpty() && Files.exists(SharedFixtures.fixture(alt))) {
      List<String> altDiff = JsonCompare.diff(JsonCompare.parse(SharedFixtures.read(alt)), JsonCompare.parse(actual),
          ignored);
      if (altDiff.isEmpty()) {
        return altDiff;
      }
    }
    return diff;
  }
}
