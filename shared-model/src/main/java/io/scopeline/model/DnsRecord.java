package io.scopeline.model;

/** Names seen for one address: forward (snooped DNS answers) and reverse lookups. */
public record DnsRecord(StringSet forward, StringSet reverse) {
  public static final DnsRecord EMPTY = new DnsRecord(StringSet.EMPTY, StringSet.EMPTY);

  public DnsRecord {
    forward = forward == null ? StringSet.EMPTY : forward;
    reverse = reverse == null ? StringSet.EMPTY : reverse;
  }

  /**
   * The first name {@code match} accepts, forward (snooped) names before reverse ones, each in
   * sorted order as Scope picks them; null when none does.
   */
  public String firstMatch(java.util.function.Predicate<String> match) {
    for (String name : forward) {
      if (match.test(name)) {
        return name;
      }
    }
    for (String name : reverse) {
      if (match.test(name)) {
        return name;
      }
    }
    return null;
  }

  public DnsRecord merge(DnsRecord other) {
    StringSet f = forward.merge(other.forward);
    StringSet r = reverse.merge(other.reverse);
    return f == forward && r == reverse ? this : new DnsRecord(f, r);
  }
}
