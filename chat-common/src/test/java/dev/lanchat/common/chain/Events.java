package dev.lanchat.common.chain;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helpers: identities from fixed seeds, events, and honestly chained histories. */
final class Events {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z in milliseconds
  static final int MESSAGE = 0x21;
  static final int JOINED = 0x22;
  static final int LEFT = 0x23;

  private Events() {}

  static Identity identity(int seedByte) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) seedByte);
    return Identity.fromSeed(seed);
  }

  static ByteString key(Identity identity) {
    return ByteString.copyOf(identity.publicKey());
  }

  static ByteString text(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[2 + utf8.length];
    out[0] = (byte) (utf8.length >>> 8);
    out[1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, out, 2, utf8.length);
    return ByteString.copyOf(out);
  }

  static RoomEvent say(Identity from, String room, long id, String text) {
    return new RoomEvent(key(from), room, id, T0 + id * 1000, MESSAGE, text(text));
  }

  /** An event with the same fields as {@code e} but another id. */
  static RoomEvent renumbered(RoomEvent e, long id) {
    return new RoomEvent(e.sender(), e.room(), id, e.time(), e.type(), e.payload());
  }

  /** An event and the head the server sends with it. */
  record Delivery(RoomEvent event, ByteString head) {}

  /** {@code events} chained honestly from the genesis head of their room. */
  static List<Delivery> chained(List<RoomEvent> events) {
    List<Delivery> out = new ArrayList<>();
    ChainHead head = ChainHash.genesis(events.getFirst().room());
    for (RoomEvent e : events) {
      head = ChainHash.after(head, e);
      out.add(new Delivery(e, head.head()));
    }
    return out;
  }

  /** {@code count} messages alternating between two speakers, ids 1 to {@code count}. */
  static List<RoomEvent> conversation(String room, int count, Identity a, Identity b) {
    List<RoomEvent> out = new ArrayList<>();
    for (int id = 1; id <= count; id++) {
      out.add(say(id % 2 == 1 ? a : b, room, id, "line " + id));
    }
    return out;
  }
}
