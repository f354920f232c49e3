package dev.lanchat.common.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.e2e.RoomMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The canonical bytes of a room event (protocol "Room chain") are the envelope's sender, room,
 * id and time, the type, and the message's own bytes after the envelope: a client hashes
 * exactly what it received.
 */
class EventCanonicalBytesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long SEED = 0x0C4A_11L;

  private static ByteString filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return ByteString.copyOf(out);
  }

  private static ByteString filledBytes(int n, int value) {
    byte[] out = new byte[n];
    Arrays.fill(out, (byte) value);
    return ByteString.copyOf(out);
  }

  private static EventHeader header(long id, long time, ByteString sender) {
    return new EventHeader("#dev", id, filled(0x11), time, sender);
  }

  @Test
  void canonicalBytesAreSenderRoomIdTimeTypeAndTheWirePayload() {
    ServerMessage.Chat chat = new ServerMessage.Chat(header(3, 2000, filled(0x05)), "alice",
        "hello");
    String payload = "0005616c696365" + "000568656c6c6f";
    assertEquals("05".repeat(32) + "000423646576" + "0000000000000003" + "00000000000007d0"
        + "21" + "0000000e" + payload, HEX.formatHex(ChainEvents.canonical(chat)));
    byte[] wire = MessageCodec.encode(chat);
    String envelope = HEX.formatHex(wire, 0, 1 + 6 + 8 + 32 + 8 + 32);
    assertEquals("21" + "000423646576" + "0000000000000003" + "11".repeat(32)
        + "00000000000007d0" + "05".repeat(32), envelope);
    assertEquals(payload, HEX.formatHex(wire, envelope.length() / 2, wire.length),
        "the payload is the message's bytes after the envelope");
  }

  @Test
  void everyEventTypesCanonicalBytesEndWithItsWireBytesAfterTheEnvelope() throws Exception {
    System.out.println("EventCanonicalBytesTest seed " + SEED);
    Random random = new Random(SEED);
    for (int i = 0; i < 200; i++) {
      EventHeader h = new EventHeader("#r" + random.nextInt(1000), 1 + random.nextInt(1 << 20),
          filled(random.nextInt(256)), random.nextLong(), filled(random.nextInt(256)));
      String a = "a".repeat(random.nextInt(5));
      String b = "é".repeat(random.nextInt(5));
      ServerMessage.Event event = switch (random.nextInt(7)) {
        case 0 -> new ServerMessage.Chat(h, a, b);
        case 1 -> new ServerMessage.Joined(h, new Member(a, filled(3)));
        case 2 -> new ServerMessage.Left(h, a, b, a + b);
        case 3 -> new ServerMessage.Action(h, a, b);
        case 4 -> new ServerMessage.Renamed(h, a, b);
        case 5 -> new ServerMessage.Topic(h, a, b);
        default -> new ServerMessage.E2eMessage(h, a, new RoomMessage(random.nextInt(3),
            1 + random.nextInt(3), filledBytes(16 + random.nextInt(40), random.nextInt(256)),
            filledBytes(64, random.nextInt(256))));
      };
      byte[] wire = MessageCodec.encode(event);
      int envelope = 1 + 2 + h.room().length() + 8 + 32 + 8 + 32;
      byte[] payload = Arrays.copyOfRange(wire, envelope, wire.length);
      byte[] expected = handLaid(h, event.type(), payload);
      assertArrayEquals(expected, ChainEvents.canonical(event), "seed " + SEED + ", event " + i);
      ServerMessage.Event back = (ServerMessage.Event) MessageCodec.decode(wire);
      assertArrayEquals(expected, ChainEvents.canonical(back));
    }
  }

  @Test
  void membersChangedStandsForTheJoinedAndLeftEventsItCoalesces() {
    Member bob = new Member("bob", filled(0x07));
    ChainHead start = ChainHash.genesis("#dev");
    ServerMessage.Joined joined = new ServerMessage.Joined(header(1, 5, bob.key()), bob);
    ServerMessage.Left left =
        new ServerMessage.Left(header(2, 5, filled(0x09)), "carol", "parted", "bye");
    ChainHead afterJoin = ChainHash.after(start, ChainEvents.of(joined));
    ChainHead afterLeave = ChainHash.after(afterJoin, ChainEvents.of(left));

    ServerMessage.MembersChanged both = new ServerMessage.MembersChanged("#dev", 1,
        afterLeave.head(), 5, List.of(new MemberChange.Joined(bob),
            new MemberChange.Left(filled(0x09), "carol", "parted", "bye")));
    List<RoomEvent> events = ChainEvents.of(both);
    assertEquals(List.of(ChainEvents.of(joined), ChainEvents.of(left)), events);
    ChainHead head = start;
    for (RoomEvent e : events) {
      head = ChainHash.after(head, e);
    }
    assertEquals(both.head(), head.head(), "the carried head is the one after the last change");
  }

  /** The canonical bytes laid out by hand from the protocol page's words. */
  private static byte[] handLaid(EventHeader h, int type, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.sender().toByteArray());
    byte[] room = h.room().getBytes(StandardCharsets.US_ASCII);
    out.write(room.length >>> 8);
    out.write(room.length);
    out.writeBytes(room);
    for (long v : new long[] {h.id(), h.time()}) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (v >>> shift));
      }
    }
    out.write(type);
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write(payload.length >>> shift);
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }
}
