package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventFormatTest {
  private static final long T = FakeServer.T1201;

  @Test
  void withoutColourLinesCarryNoEscapeCodes() {
    EventFormat plain = new EventFormat(ZoneOffset.UTC, false);
    assertEquals("12:01 <bob> hi", plain.format(FakeServer.chat(T, "bob", "hi")).orElseThrow());
    assertEquals("! error 77: odd", plain.error(new ServerMessage.Error(77, "odd")));
    assertTrue(plain.format(new ServerMessage.Pong(1)).isEmpty());
  }

  @Test
  void aFewCoalescedChangesAreNamedOnOneLineAndManyAreCounted() {
    EventFormat plain = new EventFormat(ZoneOffset.UTC, false);
    assertEquals("12:01 * dave joined; bob left (connection lost): b\\x1Bye", plain.format(
        changed(List.of(new MemberChange.Joined(FakeServer.member("dave")),
            new MemberChange.Left(FakeServer.member("bob").key(), "bob", "connection lost",
                "b\u001bye")))).orElseThrow());
    List<MemberChange> storm = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      storm.add(new MemberChange.Joined(FakeServer.member("u" + i)));
    }
    storm.add(new MemberChange.Left(FakeServer.member("bob").key(), "bob", "", ""));
    assertEquals("12:01 * +40 joined, -1 left (/who lists everyone)",
        plain.format(changed(storm)).orElseThrow());
  }

  private static ServerMessage.MembersChanged changed(List<MemberChange> changes) {
    return new ServerMessage.MembersChanged(FakeServer.GENERAL, 1,
        dev.lanchat.common.bytes.ByteString.copyOf(new byte[32]), T, changes);
  }

  @Test
  void timestampsUseTheGivenZone() {
    EventFormat paris = new EventFormat(ZoneOffset.ofHours(1), false);
    assertEquals("13:01 * bob joined", paris.format(
        FakeServer.joined(T, FakeServer.member("bob"))).orElseThrow());
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
