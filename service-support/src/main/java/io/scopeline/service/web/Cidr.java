package io.scopeline.service.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block ({@code 10.0.0.0/8}, {@code ::1/128}, or one address), matched byte by byte. */
record Cidr(byte[] network, int prefix) {

  /** Parses {@code a.b.c.d[/n]} or an IPv6 literal with an optional prefix; throws with the reason. */
  static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String literal = slash < 0 ? t : t.substring(0, slash);
    if (!literal.matches("[0-9A-Fa-f.:]+")) {
      // Only literals: a name would be looked up in DNS, and could change under us.
      throw new IllegalArgumentException("not an address or CIDR: " + text);
    }
    try {
      byte[] address = InetAddress.getByName(literal).getAddress();
      int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(t.substring(slash + 1));
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("prefix out of range in " + text);
      }
      return new Cidr(address, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not an address or CIDR: " + text, e);
    }
  }

  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }
}
