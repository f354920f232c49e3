package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.ServerMessage;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventFormatTest {
  private static final long T = FakeServer.T1201;

  @Test
  void withoutColourLinesCarryNoEscapeCodes() {
    EventFormat plain = new EventFormat(ZoneOffset.UTC, false);
    assertEquals("12:01 <bob> hi", plain.format(new ServerMessage.Chat(T, "bob", "hi")).orElseThrow());
    assertEquals("! error 77: odd", plain.error(new ServerMessage.Error(77, "odd")));
    assertTrue(plain.format(new ServerMessage.Pong(1)).isEmpty());
  }

  @Test
  void timestampsUseTheGivenZone() {
    EventFormat paris = new EventFormat(ZoneOffset.ofHours(1), false);
    assertEquals("13:01 * bob joined", paris.format(
        new ServerMessage.Joined(T, FakeServer.member("bob"))).orElseThrow());
  }

  @Test
  void aNameKeepsOneColourWhateverItsCase() {
    NameColors colors = new NameColors(8);
    String alice = colors.paint("alice");
    assertTrue(alice.startsWith("\u001B[1;3") && alice.endsWith("alice\u001B[0m"), alice);
    assertEquals(alice.substring(0, 7), colors.paint("ALICE").substring(0, 7));
    assertEquals(alice, new NameColors(8).paint("alice"));
  }
}
