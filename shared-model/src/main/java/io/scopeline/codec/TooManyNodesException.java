package io.scopeline.codec;

/** One topology of a report holds more nodes than the configured limit. */
public final class TooManyNodesException extends ReportDecodeException {
  private final String topology;
  private final long limit;

  public TooManyNodesException(String topology, long limit) {
    super("report topology " + topology + " has more than " + limit + " nodes", null);
    this.topology = topology;
    this.limit = limit;
  }

  public String topology() {
    return topology;
  }

  public long limit() {
    return limit;
  }

  @Override
  public String reason() {
    return "too-many-nodes";
  }
}
