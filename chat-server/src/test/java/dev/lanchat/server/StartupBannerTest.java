package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupBannerTest {
  private static final String FP = "SHA256:" + "A".repeat(43);

  @Test
  void aWildcardBindListsEveryLanAddressWithItsInterface() throws Exception {
    List<String> lines = StartupBanner.lines("Kitchen", InetAddress.getByName("0.0.0.0"), 5000, FP,
        List.of(new LanAddresses.LanAddress("eth0", InetAddress.getByName("192.168.1.5")),
            new LanAddresses.LanAddress("wlan0", InetAddress.getByName("10.0.0.7"))));
    assertEquals(List.of(
        "LanChat server 'Kitchen' listening on 0.0.0.0:5000",
        "Fingerprint: " + FP,
        "Clients connect with: --host 192.168.1.5 (eth0)",
        "Clients connect with: --host 10.0.0.7 (wlan0)"), lines);
  }

  @Test
  void noLanAddressSaysSoAndSuggestsLoopback() throws Exception {
    List<String> lines = StartupBanner.lines("k", InetAddress.getByName("0.0.0.0"), 5000, FP,
        List.of());
    assertEquals(3, lines.size());
    assertEquals("No LAN address found (no network interface is up): only this machine can"
        + " connect, with: --host 127.0.0.1", lines.get(2));
  }

  @Test
  void anotherPortIsPartOfTheAdvice() throws Exception {
    List<String> lines = StartupBanner.lines("k", InetAddress.getByName("0.0.0.0"), 6000, FP,
        List.of(new LanAddresses.LanAddress("eth0", InetAddress.getByName("192.168.1.5"))));
    assertEquals("LanChat server 'k' listening on 0.0.0.0:6000", lines.get(0));
    assertEquals("Clients connect with: --host 192.168.1.5 --port 6000 (eth0)", lines.get(2));
  }

  @Test
  void aSpecificBindIsTheOnlyAdvice() throws Exception {
    List<String> lines = StartupBanner.lines("k", InetAddress.getByName("192.168.1.5"), 5000, FP,
        List.of(new LanAddresses.LanAddress("eth1", InetAddress.getByName("10.1.1.1"))));
    assertEquals(List.of("LanChat server 'k' listening on 192.168.1.5:5000", "Fingerprint: " + FP,
        "Clients connect with: --host 192.168.1.5"), lines);
  }

  @Test
  void ipv6AddressesArePrintedInTheirShortForm() throws Exception {
    assertEquals("fd00::2", new LanAddresses.LanAddress("eth0",
        InetAddress.getByName("fd00:0:0:0:0:0:0:2")).host());
    assertEquals("2001:db8::1:0:0:1", LanAddresses.compress("2001:db8:0:0:1:0:0:1"));
    assertEquals("2001:db8:1:2:3:4:5:6", LanAddresses.compress("2001:db8:1:2:3:4:5:6"));
    assertEquals("2001:0:1:2:3:4:5:6", LanAddresses.compress("2001:0:1:2:3:4:5:6"));
  }

  @Test
  void lanAddressesNeverIncludeLoopback() {
    for (LanAddresses.LanAddress a : LanAddresses.find()) {
      assertEquals(false, a.address().isLoopbackAddress(), a.toString());
    }
  }

  @Test
  void anAllowlistServerSaysWhoMayJoinAndAnOpenOneSaysNothing() {
    assertEquals(java.util.Optional.of("Access: allowlist. Only allowed keys join: chat-server"
        + " allow FINGERPRINT, or a join code from chat-server invite"),
        StartupBanner.accessLine(ServerConfig.Access.ALLOWLIST));
    assertEquals(java.util.Optional.empty(), StartupBanner.accessLine(ServerConfig.Access.OPEN));
  }
}
