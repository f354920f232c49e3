package dev.lanchat.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;

/**
 * Finds the addresses people on the LAN can give to the client's {@code --host}: every address
 * of every network interface that is up and not loopback, IPv4 first; IPv6 link-local addresses
 * are left out (they need a scope that people cannot easily type).
 */
final class LanAddresses {
  /** One address of one interface. */
  record LanAddress(String interfaceName, InetAddress address) {
    /** The address as people type it. */
    String host() {
      String text = address.getHostAddress();
      int scope = text.indexOf('%');
      text = scope >= 0 ? text.substring(0, scope) : text;
      return address instanceof Inet6Address ? compress(text) : text;
    }
  }

  private LanAddresses() {}

  /** The usable addresses now; empty when this machine is on no network (or they cannot be read). */
  static List<LanAddress> find() {
    List<LanAddress> found = new ArrayList<>();
    try {
      Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
      if (interfaces == null) {
        return found;
      }
      for (NetworkInterface nif : java.util.Collections.list(interfaces)) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress address : java.util.Collections.list(nif.getInetAddresses())) {
          if (address.isLoopbackAddress() || address.isLinkLocalAddress()
              || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            continue;
          }
          found.add(new LanAddress(nif.getName(), address));
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    found.sort(Comparator.comparingInt((LanAddress a) -> a.address() instanceof Inet4Address ? 0 : 1)
        .thenComparing(LanAddress::interfaceName));
    return found;
  }

  /** The RFC 5952 short form of a full IPv6 text: the longest run of zero groups becomes "::". */
  static String compress(String full) {
    String[] groups = full.split(":");
    if (groups.length != 8) {
      return full;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j].replaceFirst("^0+", "").isEmpty()) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      String g = groups[i].replaceFirst("^0+(?=.)", "");
      out.append(g.toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }

  /** True for {@code 0.0.0.0} and {@code ::}. */
  static boolean isWildcard(InetAddress address) {
    return address.isAnyLocalAddress();
  }
}
