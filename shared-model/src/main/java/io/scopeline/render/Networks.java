package io.scopeline.render;

import java.util.ArrayList;
import java.util.List;

/** A set of IPv4 networks (CIDRs) that count as local; addresses outside are "the internet". */
final class Networks {
  private final List<long[]> nets = new ArrayList<>(); // {network, mask}

  void addCidr(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      return;
    }
    long ip = parseIpv4(cidr.substring(0, slash));
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return;
    }
    if (ip < 0 || bits < 0 || bits > 32) {
      return;
    }
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    nets.add(new long[] {ip & mask, mask});
  }

  void add(long network, long mask) {
    nets.add(new long[] {network & mask, mask});
  }

  boolean contains(long ip) {
    for (long[] n : nets) {
      if ((ip & n[1]) == n[0]) {
        return true;
      }
    }
    return false;
  }

  /** The address as an unsigned 32-bit value, or -1 when it is not a dotted IPv4 address. */
  static long parseIpv4(String s) {
    long value = 0;
    int parts = 0;
    int i = 0;
    int n = s.length();
    while (i <= n && parts < 4) {
      int start = i;
      long part = 0;
      while (i < n && Character.isDigit(s.charAt(i)) && i - start < 3) {
        part = part * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i == start || part > 255) {
        return -1;
      }
      value = (value << 8) | part;
      parts++;
      if (parts < 4) {
        if (i >= n || s.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return parts == 4 && i == n ? value : -1;
  }
}
