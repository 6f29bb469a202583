package io.scopeline.standalone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options of {@code bin/scopeline}. Ports are fixed by default so tools can be pointed
 * at them; 0 picks a free port (tests).
 *
 * @param dataDir where Kafka, S3 objects and DynamoDB tables are kept across restarts
 * @param demo whether to run the simulated fleet
 * @param demoHosts hosts in the simulated fleet
 * @param tenant tenant of requests and records that carry no {@code X-Scope-OrgID}, and of the demo fleet
 * @param redisPort port of the Redis the standalone starts (0 = a free one)
 * @param redisUrl a Redis to use instead of starting one; null = start one
 * @param listen the address the HTTP port listens on: loopback unless told otherwise, since
 *     anyone who reaches it is the default tenant (and can use the demo's controls)
 * @param demoShell whether the demo's exec control opens a real shell on this machine (off: a
 *     terminal that shows back what is typed, safe for anyone who reaches the UI)
 */
public record StandaloneOptions(Path dataDir, boolean demo, int demoHosts, String tenant, int httpPort, int kafkaPort,
    int s3Port, int dynamoDbPort, int redisPort, String redisUrl, boolean demoShell, String listen) {

  public static final String USAGE = String.join("\n",
      "usage: bin/scopeline [options]",
      "  --no-demo              no simulated probes (point real Scope probes at --http-port instead)",
      "  --data DIR             keep Kafka, S3 and DynamoDB data here (default ./data)",
      "  --demo-hosts N         simulated hosts (default 5)",
      "  --tenant NAME          tenant of requests/records without X-Scope-OrgID (default 'default')",
      "  --http-port N          UI, Scope API, WebSocket and probe bridge (default 4040)",
      "  --kafka-port N         embedded Kafka (default 9092)",
      "  --s3-port N            embedded S3 (default 9000)",
      "  --dynamodb-port N      embedded DynamoDB (default 8000)",
      "  --redis-port N         Redis started for this data directory (default 6379)",
      "  --redis-url URI        use this Redis instead (e.g. redis://localhost:6379); none is started",
      "  --listen ADDR          address of the HTTP port (default 127.0.0.1; 0.0.0.0 for every interface, so",
      "                         anyone who reaches it is the default tenant)",
      "  --demo-shell           the demo's \"Exec shell\" opens a real shell on this machine (default: an echo",
      "                         terminal); only for a UI no one else can reach");

  public static StandaloneOptions defaults() {
    return new StandaloneOptions(Path.of("data"), true, 5, "default", 4040, 9092, 9000, 8000, 6379, null, false, "127.0.0.1");
  }

  /** Parses {@code --name value} and {@code --name=value}; throws IllegalArgumentException with a reason. */
  public static StandaloneOptions parse(String[] args) {
    StandaloneOptions o = defaults();
    List<String> a = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        a.add(arg.substring(0, eq));
        a.add(arg.substring(eq + 1));
      } else {
        a.add(arg);
      }
    }
    for (int i = 0; i < a.size(); i++) {
      String name = a.get(i);
      if (name.equals("--no-demo")) {
        o = new StandaloneOptions(o.dataDir, false, o.demoHosts, o.tenant, o.httpPort, o.kafkaPort, o.s3Port,
            o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        continue;
      }
      if (name.equals("--demo-shell")) {
        o = new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort, o.kafkaPort, o.s3Port,
            o.dynamoDbPort, o.redisPort, o.redisUrl, true, o.listen);
        continue;
      }
      if (i + 1 >= a.size()) {
        throw new IllegalArgumentException(name.startsWith("--") ? name + " needs a value" : "unknown argument " + name);
      }
      String v = a.get(++i);
      o = switch (name) {
        case "--data" -> new StandaloneOptions(Path.of(v), o.demo, o.demoHosts, o.tenant, o.httpPort, o.kafkaPort,
            o.s3Port, o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--demo-hosts" -> new StandaloneOptions(o.dataDir, o.demo, number(name, v), o.tenant, o.httpPort,
            o.kafkaPort, o.s3Port, o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--tenant" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, v, o.httpPort, o.kafkaPort, o.s3Port,
            o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--http-port" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, port(name, v),
            o.kafkaPort, o.s3Port, o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--kafka-port" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort,
            port(name, v), o.s3Port, o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--s3-port" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort, o.kafkaPort,
            port(name, v), o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--dynamodb-port" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort,
            o.kafkaPort, o.s3Port, port(name, v), o.redisPort, o.redisUrl, o.demoShell, o.listen);
        case "--redis-port" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort,
            o.kafkaPort, o.s3Port, o.dynamoDbPort, port(name, v), o.redisUrl, o.demoShell, o.listen);
        case "--redis-url" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort,
            o.kafkaPort, o.s3Port, o.dynamoDbPort, o.redisPort, redisUrl(v), o.demoShell, o.listen);
        case "--listen" -> new StandaloneOptions(o.dataDir, o.demo, o.demoHosts, o.tenant, o.httpPort,
            o.kafkaPort, o.s3Port, o.dynamoDbPort, o.redisPort, o.redisUrl, o.demoShell, listen(v));
        default -> throw new IllegalArgumentException("unknown option " + name);
      };
    }
    return o;
  }

  private static int number(String name, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a non-negative number, got '" + v + "'");
    }
  }

  private static String listen(String v) {
    try {
      java.net.InetAddress.getByName(v);
      return v;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("--listen needs an address of this machine (e.g. 0.0.0.0), got '" + v + "'");
    }
  }

  /** Whether the HTTP port is reachable from this machine only. */
  public boolean loopbackOnly() {
    try {
      return java.net.InetAddress.getByName(listen).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String redisUrl(String v) {
    if (!v.startsWith("redis://") && !v.startsWith("rediss://")) {
      throw new IllegalArgumentException("--redis-url needs a redis:// or rediss:// URI, got '" + v + "'");
    }
    return v;
  }

  private static int port(String name, String v) {
    int p = number(name, v);
    if (p > 65535) {
      throw new IllegalArgumentException(name + " must be a port (0-65535), got " + p);
    }
    return p;
  }
}
