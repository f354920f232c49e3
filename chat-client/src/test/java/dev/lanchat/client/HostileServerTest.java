package dev.lanchat.client;

import static dev.lanchat.client.FakeServer.T1201;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.client.FakeServer.Raw;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Texts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that ignores the text rules (protocol §5) and fills every string field with terminal
 * attacks, written as raw records: the client must print none of it raw.
 */
class HostileServerTest {
  /** Clear screen, OSC 52 clipboard write, window title, C1 CSI, bidi override and isolate. */
  static final String EVIL = "\u001B[2J\u001B]52;c;cHduZWQ=\u0007\u001B]0;title\u0007"
      + "\u009B31m\u202Egnp.exe\u2066\u0000\u007F\r\n\u2028\u200B\uFEFF";

  @TempDir
  Path home;

  private ClientRun start(FakeServer server) throws IOException {
    return ClientRun.aliceAgainst(server, home);
  }

  @Test
  void noControlEscapeOrBidiCodeFromTheNetworkReachesTheOutputRaw() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.sendRaw(Raw.type(ServerMessage.Welcome.TYPE).str("alice" + EVIL).str("srv" + EVIL)
            .str("motd" + EVIL).u32(10_000).u32(20).u16(20).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Entered.TYPE).str("#general").str(EVIL).u32(2)
            .u32(0).u64(0).u8(0).bytes()); // flags: not end-to-end
        peer.sendRaw(Raw.type(ServerMessage.Roster.TYPE).str("#general").u8(0).u16(2)
            .member(EVIL).str(EVIL).member("b" + EVIL).str("").bytes());
        peer.sendRaw(Raw.type(ServerMessage.Chat.TYPE).event("#general", EVIL).str(EVIL)
            .str("hi" + EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Dm.TYPE).u64(T1201).str(EVIL).str("alice" + EVIL)
            .str(EVIL).u8(2).str(EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Joined.TYPE).event("#general", EVIL).member(EVIL)
            .bytes());
        peer.sendRaw(Raw.type(ServerMessage.Left.TYPE).event("#dev", EVIL).str(EVIL).str(EVIL)
            .str(EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Action.TYPE).event("#general", EVIL).str(EVIL)
            .str(EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Renamed.TYPE).event("#general", EVIL).str(EVIL)
            .str("x" + EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Topic.TYPE).event("#general", EVIL).str(EVIL)
            .str(EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.RoomList.TYPE).u16(1).str("#dev").u32(3).str(EVIL)
            .u8(0).bytes()); // flags: not end-to-end
        peer.sendRaw(Raw.type(ServerMessage.Error.TYPE).u16(3).str(EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Error.TYPE).u16(999).str(EVIL).bytes());
        peer.sendRaw(Raw.type(ServerMessage.Bye.TYPE).str(EVIL).bytes());
        assertEquals(ExitCode.CONNECTION, client.exitCode(), client.err());
      }
      assertSafe(client.out());
      assertSafe(client.err());
      List<String> lines = client.outLines();
      // welcome, motd, ENTERED, ROSTER, then 9 events on stdout (the texts of MESSAGE, DM and
      // ACTION hold a line feed, so each continues on a "  | " line; ROOM_LIST is 2 lines);
      // the 2 ERRORs are "!" lines: stderr
      assertEquals(17, lines.size(), client.out());
      assertEquals(3, lines.stream().filter(l -> l.startsWith(Console.CONTINUATION)).count(),
          client.out());
      assertEquals(2, client.err().lines().filter(l -> l.startsWith("! ")
          && l.contains("\\x1B[2J")).count(), client.err());
      assertTrue(lines.getLast().startsWith("* server closed the connection: \\x1B[2J"),
          lines.getLast());
      assertTrue(client.out().contains("\\u202Egnp.exe\\u2066"), "rendered visibly, not dropped");
    }
  }

  @Test
  void aHostileErrorDuringJoinIsRenderedToo() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = start(server);
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.sendRaw(Raw.type(ServerMessage.Error.TYPE).u16(1).str(EVIL).bytes());
        assertEquals(ExitCode.NOT_JOINED, client.exitCode());
      }
      assertSafe(client.out());
      assertSafe(client.err());
      assertTrue(client.err().contains("! name taken: \\x1B[2J"), client.err());
    }
  }

  /** Every character but the line ends we print ourselves must be allowed by Texts. */
  static void assertSafe(String output) {
    for (int i = 0; i < output.length(); ) {
      int cp = output.codePointAt(i);
      if (cp != '\n' && Texts.isForbidden(cp)) {
        fail(String.format("U+%04X reached the output raw at %d: %s", cp, i,
            output.replace("\u001B", "<ESC>")));
      }
      i += Character.charCount(cp);
    }
  }
}
