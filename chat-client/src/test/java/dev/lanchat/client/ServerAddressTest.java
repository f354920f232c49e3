package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** --host and --forget take HOST, HOST:PORT, [IPv6], [IPv6]:PORT or a bare IPv6 address. */
class ServerAddressTest {

  @Test
  void everyWrittenFormGivesItsHostAndPort() {
    assertEquals(new ServerAddress("lan-box", OptionalInt.empty()), ServerAddress.parse("lan-box"));
    assertEquals(new ServerAddress("192.168.1.20", OptionalInt.of(5001)),
        ServerAddress.parse(" 192.168.1.20:5001 "));
    assertEquals(new ServerAddress("::1", OptionalInt.empty()), ServerAddress.parse("::1"));
    assertEquals(new ServerAddress("fe80::1", OptionalInt.empty()),
        ServerAddress.parse("[fe80::1]"));
    assertEquals(new ServerAddress("fe80::1", OptionalInt.of(5000)),
        ServerAddress.parse("[fe80::1]:5000"));
  }

  @Test
  void aMalformedAddressIsRefusedWithWhatIsWrong() {
    assertEquals("it is empty", refusal(" "));
    assertEquals("an IPv6 address in brackets needs its closing ]", refusal("[::1"));
    assertEquals("the brackets hold no address", refusal("[]:5000"));
    assertEquals("after ] only :PORT may follow, not x", refusal("[::1]x"));
    assertEquals("the port must be 1 to 65535, not 70000", refusal("host:70000"));
    assertEquals("the port must be 1 to 65535, not 0", refusal("host:0"));
    assertEquals("the port must be 1 to 65535, not ", refusal("host:"));
    assertEquals("the port must be 1 to 65535, not http", refusal("[::1]:http"));
    assertEquals("the host is missing before :5000", refusal(":5000"));
  }

  private static String refusal(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(text))
        .getMessage();
  }
}
