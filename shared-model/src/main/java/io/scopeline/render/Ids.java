package io.scopeline.render;

import java.util.regex.Pattern;

/** Node ids and topology names that rendering creates or parses (Scope's render/id.go and report/id.go). */
public final class Ids {
  public static final String PSEUDO = "pseudo";
  public static final String INCOMING_INTERNET = "in-theinternet";
  public static final String OUTGOING_INTERNET = "out-theinternet";
  public static final String SERVICE_PREFIX = "service-";
  public static final String UNCONTAINED_PREFIX = "pseudo:uncontained:";
  public static final String UNMANAGED_PREFIX = "pseudo:unmanaged:";

  /** Scope's list of cloud services that get a node of their own (Weave Cloud's weave.works among them). */
  private static final Pattern KNOWN_SERVICE = Pattern.compile("^.+\\.(amazonaws\\.com|googleapis\\.com|weave\\.works"
      + "|core\\.windows\\.net|servicebus\\.windows\\.net|azure-api\\.net|onmicrosoft\\.com|cloudapp\\.azure\\.com"
      + "|database\\.windows\\.net|documents\\.azure\\.com)$");
  private static final Pattern KNOWN_SERVICE_EXCLUDED = Pattern.compile("^(ec2.*\\.amazonaws\\.com)$");

  private Ids() {}

  public static boolean isInternet(String id) {
    return INCOMING_INTERNET.equals(id) || OUTGOING_INTERNET.equals(id);
  }

  /** Cloud services that get their own pseudo node instead of "the internet". */
  public static boolean isKnownService(String hostname) {
    return KNOWN_SERVICE.matcher(hostname).matches() && !KNOWN_SERVICE_EXCLUDED.matcher(hostname).matches();
  }

  public static String groupTopology(String topology, String key) {
    return "group:" + topology + ":" + key;
  }

  /**
   * The parts of {@code <scope>;<addr>;<port>}, or null; a suffix {@code ;<owner tag>} that
   * {@link EndpointOwners} adds to an endpoint held by an earlier owner is not part of the port.
   */
  public static String[] parseEndpoint(String id) {
    int a = id.indexOf(';');
    if (a < 0) {
      return null;
    }
    int b = id.indexOf(';', a + 1);
    if (b < 0) {
      return null;
    }
    int c = id.indexOf(';', b + 1);
    return new String[] {id.substring(0, a), id.substring(a + 1, b), id.substring(b + 1, c < 0 ? id.length() : c)};
  }

  /** An endpoint id without the owner tag {@link EndpointOwners} may have added: the address and port. */
  public static String untaggedEndpoint(String id) {
    int a = id.indexOf(';');
    int b = a < 0 ? -1 : id.indexOf(';', a + 1);
    int c = b < 0 ? -1 : id.indexOf(';', b + 1);
    return c < 0 ? id : id.substring(0, c);
  }

  /** The part before {@code ;<tag>} of a node id, or the whole id when it has no ';'. */
  public static String firstPart(String id) {
    int i = id.indexOf(';');
    return i < 0 ? id : id.substring(0, i);
  }

  /** The host id from a node's host_node_id ({@code <host>;<host>}), or "". */
  public static String hostId(RNode n) {
    String hostNodeId = n.get(Keys.HOST_NODE_ID);
    return hostNodeId == null ? "" : firstPart(hostNodeId);
  }

  public static String scopedEndpoint(String scope, String addr, String port) {
    return scope + ";" + addr + ";" + port;
  }

  /** Image name without tag, and without a registry host when the name has three parts (Scope's rule). */
  public static String imageNameWithoutVersion(String name) {
    String[] parts = name.split("/", 3);
    if (parts.length == 3) {
      name = parts[1] + "/" + parts[2];
    }
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }
}
