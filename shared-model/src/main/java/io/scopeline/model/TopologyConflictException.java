package io.scopeline.model;

/** Two nodes with one ID claim different, non-empty topologies; Scope panics here, we refuse the merge. */
public final class TopologyConflictException extends RuntimeException {
  private final String nodeId;

  public TopologyConflictException(String nodeId, String mine, String theirs) {
    super("cannot merge node '" + nodeId + "': topology '" + mine + "' differs from '" + theirs + "'");
    this.nodeId = nodeId;
  }

  public String nodeId() {
    return nodeId;
  }
}
