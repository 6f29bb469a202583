package io.scopeline.model;

/** Names seen for one address: forward (snooped DNS answers) and reverse lookups. */
public record DnsRecord(StringSet forward, StringSet reverse) {
  public static final DnsRecord EMPTY = new DnsRecord(StringSet.EMPTY, StringSet.EMPTY);

  public DnsRecord {
    forward = forward == null ? StringSet.EMPTY : forward;
    reverse = reverse == null ? StringSet.EMPTY : reverse;
  }

  public DnsRecord merge(DnsRecord other) {
    StringSet f = forward.merge(other.forward);
    StringSet r = reverse.merge(other.reverse);
    return f == forward && r == reverse ? this : new DnsRecord(f, r);
  }
}
