package io.scopeline.cli;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportDecodeException;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyConflictException;
import io.scopeline.model.TopologyType;
import io.scopeline.render.ApiTopologies;
import io.scopeline.render.JsonOut;
import io.scopeline.render.Views;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scopeline-report}: convert, merge, summarise and render Scope reports from the command line.
 * Exit 0 on success; 2 on bad input or usage, with one line on stderr and nothing on stdout.
 */
public final class ScopelineReport {
  static final int OK = 0;
  static final int BAD_INPUT = 2;

  private static final String USAGE = String.join("\n",
      "usage: scopeline-report convert IN OUT        convert between formats (by extension)",
      "       scopeline-report merge OUT IN...       merge reports as Scope's /api/report returns them",
      "       scopeline-report summary IN...         node count per topology of the merged inputs",
      "       scopeline-report render TOPOLOGY [QUERY] IN...",
      "                                              what GET /api/topology/TOPOLOGY?QUERY returns",
      "       scopeline-report topologies [QUERY] IN...  what GET /api/topology?QUERY returns",
      "       scopeline-report node TOPOLOGY ID [QUERY] IN...",
      "                                              what GET /api/topology/TOPOLOGY/ID returns",
      "QUERY is a URL query such as 'system=all&stopped=both'; without one, Scope applies no option defaults.",
      "formats by extension: .json .json.gz .msgpack .msgpack.gz");

  private final PrintStream out;
  private final PrintStream err;

  ScopelineReport(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new ScopelineReport(System.out, System.err).run(args));
  }

  /** Runs one command and returns the process exit code. */
  int run(String[] args) {
    try {
      if (args.length == 0) {
        return usage("no command given");
      }
      if (args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
        out.println(USAGE);
        return OK;
      }
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      return switch (args[0]) {
        case "convert" -> convert(rest);
        case "merge" -> merge(rest);
        case "summary" -> summary(rest);
        case "render" -> render(rest);
        case "topologies" -> topologies(rest);
        case "node" -> node(rest);
        default -> usage("unknown command '" + args[0] + "'");
      };
    } catch (BadInput e) {
      err.println("scopeline-report: " + e.getMessage());
      return BAD_INPUT;
    }
  }

  private int usage(String problem) {
    err.println("scopeline-report: " + problem + " (run 'scopeline-report --help' for usage)");
    return BAD_INPUT;
  }

  private int convert(String[] args) {
    if (args.length != 2) {
      return usage("convert needs IN and OUT");
    }
    Report report = read(Path.of(args[0]));
    write(report, Path.of(args[1]));
    return OK;
  }

  private int merge(String[] args) {
    if (args.length < 2) {
      return usage("merge needs OUT and at least one IN");
    }
    Path target = Path.of(args[0]);
    formatOf(target);
    write(mergeInputs(Arrays.copyOfRange(args, 1, args.length)), target);
    return OK;
  }

  private int summary(String[] args) {
    if (args.length < 1) {
      return usage("summary needs at least one IN");
    }
    Report merged = mergeInputs(args);
    StringBuilder sb = new StringBuilder();
    for (TopologyType type : TopologyType.all()) {
      sb.append(type.wireKey()).append('\t').append(merged.topology(type).nodes().size()).append('\n');
    }
    out.print(sb);
    out.flush();
    return OK;
  }

  private int render(String[] args) {
    if (args.length < 2) {
      return usage("render needs TOPOLOGY and at least one IN");
    }
    String topology = checkTopology(args[0]);
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    String query = queryOf(rest);
    Views views = new Views(mergeInputs(inputsAfterQuery(rest, query)));
    return print(views.topology(topology, Views.parseQuery(query)).orElseThrow());
  }

  private int topologies(String[] args) {
    if (args.length < 1) {
      return usage("topologies needs at least one IN");
    }
    String query = queryOf(args);
    Views views = new Views(mergeInputs(inputsAfterQuery(args, query)));
    return print(views.topologies(Views.parseQuery(query)));
  }

  private int node(String[] args) {
    if (args.length < 3) {
      return usage("node needs TOPOLOGY, ID and at least one IN");
    }
    String topology = checkTopology(args[0]);
    String id = args[1];
    String[] rest = Arrays.copyOfRange(args, 2, args.length);
    String query = queryOf(rest);
    Views views = new Views(mergeInputs(inputsAfterQuery(rest, query)));
    return print(views.node(topology, id, Views.parseQuery(query))
        .orElseThrow(() -> new BadInput("node '" + id + "' is not in topology " + topology)));
  }

  private static String checkTopology(String name) {
    if (!ApiTopologies.exists(name)) {
      throw new BadInput("unknown topology '" + name + "' (one of " + String.join(", ", ApiTopologies.ids()) + ")");
    }
    return name;
  }

  /** The QUERY argument if the first of {@code args} is one (not a report file name), else null. */
  private static String queryOf(String[] args) {
    String first = args[0];
    try {
      ReportFormat.fromFileName(Path.of(first).getFileName().toString());
      return null;
    } catch (RuntimeException notAReportFile) {
      if (first.isEmpty() || first.startsWith("?") || first.contains("=")) {
        return first.startsWith("?") ? first.substring(1) : first;
      }
      return null;
    }
  }

  private String[] inputsAfterQuery(String[] args, String query) {
    String[] inputs = query == null ? args : Arrays.copyOfRange(args, 1, args.length);
    if (inputs.length == 0) {
      throw new BadInput("at least one IN is needed after the query");
    }
    return inputs;
  }

  private int print(Object body) {
    byte[] json = JsonOut.bytes(body);
    out.write(json, 0, json.length);
    out.println();
    out.flush();
    return OK;
  }

  /** Inputs upgraded and merged as Scope's app does for /api/report (part-merged nodes kept). */
  private Report mergeInputs(String[] inputs) {
    List<Report> reports = new ArrayList<>();
    for (String in : inputs) {
      reports.add(ReportUpgrade.upgrade(read(Path.of(in))));
    }
    try {
      return Reports.merge(reports);
    } catch (TopologyConflictException e) {
      throw new BadInput("cannot merge inputs: " + e.getMessage());
    }
  }

  private static ReportFormat formatOf(Path p) {
    try {
      return ReportFormat.fromFileName(p.getFileName().toString());
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage());
    }
  }

  private static Report read(Path p) {
    ReportFormat format = formatOf(p);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw new BadInput(p + ": no such file");
    } catch (AccessDeniedException e) {
      throw new BadInput(p + ": permission denied");
    } catch (IOException e) {
      throw new BadInput(p + ": cannot read: " + e.getMessage());
    }
    try {
      return ReportCodec.decode(bytes, format, ReportLimits.UNLIMITED);
    } catch (ReportDecodeException e) {
      throw new BadInput(p + ": " + e.getMessage());
    }
  }

  /** Writes to a temporary file beside the target, then moves it: no half-written output on failure. */
  private static void write(Report report, Path target) {
    ReportFormat format = formatOf(target);
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, ".scopeline-report-", ".tmp");
      try (OutputStream os = Files.newOutputStream(tmp)) {
        ReportCodec.encode(report, format, os);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BadInput(target + ": cannot write: " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the move normally consumed it.
        }
      }
    }
  }

  /** A problem with the user's input: reported as one line, exit 2. */
  private static final class BadInput extends RuntimeException {
    BadInput(String message) {
      super(message, null, false, false);
    }
  }
}
