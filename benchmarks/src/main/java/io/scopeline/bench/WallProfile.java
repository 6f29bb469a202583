package io.scopeline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A wall-clock profile of this JVM: samples every thread's state and innermost application frame
 * every few milliseconds, so time spent waiting (parked, in poll, on a lock) shows as well as
 * time spent computing. CPU profilers only see the latter.
 */
final class WallProfile {
  private static final int INTERVAL_MS = 10;
  private final Function<String, String> component;
  private final Map<String, Integer> samples = new HashMap<>();
  private final Map<String, Integer> perComponent = new HashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  private WallProfile(Function<String, String> component) {
    this.component = component;
    this.sampler = new Thread(this::run, "wall-profile");
    sampler.setDaemon(true);
  }

  static WallProfile start(Function<String, String> component) {
    WallProfile p = new WallProfile(component);
    p.sampler.start();
    return p;
  }

  private void run() {
    var mx = ManagementFactory.getThreadMXBean();
    while (running) {
      for (ThreadInfo t : mx.dumpAllThreads(false, false, 12)) {
        String group = component.apply(t.getThreadName());
        if (!group.startsWith("ingest")) {
          continue;
        }
        String where = frame(t.getStackTrace());
        String thread = t.getThreadName();
        samples.merge(thread + " | " + t.getThreadState() + " | " + where, 1, Integer::sum);
        perComponent.merge(thread, 1, Integer::sum);
      }
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The innermost frame worth naming: skips JDK parking and queue internals. */
  private static String frame(StackTraceElement[] stack) {
    for (StackTraceElement e : stack) {
      String c = e.getClassName();
      if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) {
        continue;
      }
      return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName();
    }
    return stack.length == 0 ? "(no frame)" : stack[0].getClassName() + "." + stack[0].getMethodName();
  }

  /** Stops sampling and returns the busiest (component, state, frame) rows as shares of that component's samples. */
  String stop() {
    running = false;
    try {
      sampler.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    StringBuilder sb = new StringBuilder("Wall-clock profile of the ingest threads (share of each component's samples):\n");
    samples.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(40)
        .forEach(e -> {
          String group = e.getKey().substring(0, e.getKey().indexOf(" | "));
          sb.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / perComponent.get(group),
              e.getKey()));
        });
    return sb.toString();
  }
}
