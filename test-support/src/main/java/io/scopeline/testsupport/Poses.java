package io.scopeline.testsupport;

import java.util.ArrayList;
import java.util.List;

/** The security suites' vocabulary: how a request poses as someone, and every endpoint crossed with every pose. */
public final class Poses {
  private Poses() {}

  /** Extra headers a request carries and the status it must get (0: served, as its own tenant). */
  public record Pose(String name, List<String[]> headers, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** One endpoint tried with one pose. */
  public record Case<E>(E endpoint, Pose pose) {
    @Override
    public String toString() {
      return pose + " → " + endpoint;
    }
  }

  /** A header as {@link RawHttp} sends it. */
  public static String[] header(String name, String value) {
    return new String[] {name, value};
  }

  /** Every endpoint with every pose, pose by pose. */
  public static <E> List<Case<E>> cases(List<E> endpoints, List<Pose> poses) {
    List<Case<E>> out = new ArrayList<>();
    for (Pose p : poses) {
      for (E e : endpoints) {
        out.add(new Case<>(e, p));
      }
    }
    return out;
  }
}
