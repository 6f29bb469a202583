package io.scopeline.standalone;

/** {@code bin/scopeline}: the standalone demo (see {@link StandaloneOptions#USAGE}). */
public final class Scopeline {
  private Scopeline() {}

  public static void main(String[] args) {
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println(StandaloneOptions.USAGE);
        return;
      }
    }
    StandaloneOptions options;
    try {
      options = StandaloneOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("scopeline: " + e.getMessage() + "\n" + StandaloneOptions.USAGE);
      System.exit(2);
      return;
    }
    long t0 = System.nanoTime();
    Standalone standalone;
    try {
      standalone = Standalone.start(options);
    } catch (RuntimeException e) {
      System.err.println("scopeline: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(standalone::close, "scopeline-shutdown"));
    System.out.print(standalone.banner());
    System.out.printf("  %-22s %.1f s%n%n", "started in", (System.nanoTime() - t0) / 1e9);
  }
}
