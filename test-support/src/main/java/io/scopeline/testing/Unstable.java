package io.scopeline.testing;

import io.scopeline.testsupport.SharedFixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The fields UNSTABLE.tsv says legitimately differ between runs of the Scope app, per expected file. */
public final class Unstable {
  private Unstable() {}

  public static Set<String> pathsFor(String expectedFile) {
    Path tsv = SharedFixtures.fixture("fixture/expected/UNSTABLE.tsv");
    try {
      List<String> lines = Files.readAllLines(tsv);
      Set<String> out = new HashSet<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] cols = line.split("\t");
        if (cols.length >= 2 && cols[0].equals(expectedFile)) {
          out.add(cols[1]);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
