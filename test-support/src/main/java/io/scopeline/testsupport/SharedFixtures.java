package io.scopeline.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the shared Scope fixtures (../shared/fixtures/scope beside the repository). Tests that
 * need them call {@link #require()}, which reports the test skipped, with the reason, when absent
 * (failed under CI).
 */
public final class SharedFixtures {
  private SharedFixtures() {}

  /** The fixtures/scope directory, or null when it is not there. */
  public static Path locate() {
    String configured = System.getProperty("scopeline.shared.dir");
    if (configured != null) {
      Path p = Path.of(configured, "fixtures", "scope");
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      Path p = dir.resolve("../shared/fixtures/scope").normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The fixtures directory; skips the calling test when the shared fixtures are absent (a user's
   * fresh clone), and fails it under CI ({@code CI=true}), where they must be there.
   */
  public static Path require() {
    Path p = locate();
    String reason = "shared Scope fixtures (../shared/fixtures/scope) are not present in this checkout";
    if (p == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(reason + ", and CI=true: under CI the conformance tests must run");
    }
    assumeTrue(p != null, reason);
    return p;
  }

  public static Path fixture(String relative) {
    return require().resolve(relative);
  }

  public static byte[] read(String relative) {
    try {
      return Files.readAllBytes(fixture(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every report-shaped input file under the fixtures. */
  public static List<Path> allReportInputs() {
    Path root = require();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString();
        return n.endsWith(".msgpack") || n.endsWith(".msgpack.gz") || n.startsWith("report") && n.endsWith(".json")
            || n.startsWith("api_report") && n.endsWith(".json");
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
