package dev.lanchat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The join storm's load side counts rosters from the bytes of ROSTER pages and membership
 * notices ({@link MembershipReader}) rather than from decoded messages: it must read exactly
 * what the codec decodes, and refuse what does not parse.
 */
class MembershipReaderTest {
  private static final String[] NAMES = {"a", "c1234", "bob", "zoë", "名前", "x_y-z", "É"};
  private static final ByteString HEAD = ByteString.copyOf(new byte[32]);

  @Test
  void readsEveryNameAndEventIdTheCodecDecodes() throws Exception {
    long seed = System.nanoTime();
    System.out.println("MembershipReaderTest seed " + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 300; round++) {
      List<ServerMessage> sent = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
        sent.add(randomMembership(random));
      }
      List<byte[]> encoded = sent.stream().map(MessageCodec::encode).toList();
      List<String> expected = new ArrayList<>();
      List<String> read = new ArrayList<>();
      for (byte[] plaintext : Batch.pack(encoded, Batch.PACK_LIMIT)) {
        for (Batch.Slice slice : Batch.slices(plaintext)) {
          expected.addAll(describe(slice.decode()));
          read.addAll(read(slice));
        }
      }
      assertEquals(expected, read, "seed " + seed + ", round " + round);
    }
  }

  @Test
  void aMessageOfAnotherTypeIsNoChangeAndNoRosterPage() throws Exception {
    Batch.Slice pong = Batch.Slice.of(MessageCodec.encode(new ServerMessage.Pong(7)));
    assertFalse(MembershipReader.changes(pong, new Recorder()));
    assertThrows(ProtocolException.class,
        () -> MembershipReader.rosterPage(pong, new Recorder()));
  }

  @Test
  void everyTruncationAndEveryExtraByteIsRefused() {
    List<ServerMessage> messages = List.of(
        new ServerMessage.Joined(header(3), member("bob")),
        new ServerMessage.Left(header(4), "bob", "", "bye"),
        new ServerMessage.MembersChanged("#g", 5, HEAD, 1, List.of(
            new MemberChange.Joined(member("zoë")),
            new MemberChange.Left(key(2), "bob", "parted", "x"))),
        new ServerMessage.Roster("#g", true, List.of(
            new RosterEntry(member("a"), ""), new RosterEntry(member("c1"), "lunch"))));
    for (ServerMessage m : messages) {
      byte[] whole = MessageCodec.encode(m);
      for (int length = 1; length < whole.length; length++) {
        Batch.Slice cut = new Batch.Slice(whole, 0, length);
        assertThrows(ProtocolException.class, () -> read(cut), m + " cut to " + length);
      }
      Batch.Slice longer = Batch.Slice.of(Arrays.copyOf(whole, whole.length + 1));
      assertThrows(ProtocolException.class, () -> read(longer), m + " with a byte more");
    }
  }

  @Test
  void aChangeWithAnUnknownTagIsRefused() {
    byte[] bytes = MessageCodec.encode(new ServerMessage.MembersChanged("#g", 5, HEAD, 1,
        List.of(new MemberChange.Joined(member("a")))));
    // type, room (2 + 2), first id, head, time, count: then the change's tag
    bytes[1 + 4 + 8 + 32 + 8 + 2] = 0x03;
    assertThrows(ProtocolException.class,
        () -> MembershipReader.changes(Batch.Slice.of(bytes), new Recorder()));
  }

  @Test
  void theHashOfANamesBytesIsTheHashOfItsString() throws Exception {
    for (String name : NAMES) {
      byte[] utf8 = ("..." + name + "!").getBytes(StandardCharsets.UTF_8);
      int length = name.getBytes(StandardCharsets.UTF_8).length;
      assertEquals(LoadClient.hash(name), LoadClient.hash(utf8, 3, length), name);
    }
    byte[] notUtf8 = {(byte) 0xC3, 0x28};
    assertThrows(ProtocolException.class, () -> LoadClient.hash(notUtf8, 0, 2));
  }

  /** What the reader hands over for one slice, in the words of {@link #describe}. */
  private static List<String> read(Batch.Slice slice) throws ProtocolException {
    Recorder recorder = new Recorder();
    if (slice.type() == ServerMessage.Roster.TYPE) {
      boolean more = MembershipReader.rosterPage(slice, recorder);
      recorder.seen.add("more " + more);
    } else if (!MembershipReader.changes(slice, recorder)) {
      recorder.seen.add("other");
    }
    return recorder.seen;
  }

  /** What the codec decodes of a message, as {@link #read} describes the reader's. */
  private static List<String> describe(ServerMessage message) {
    List<String> seen = new ArrayList<>();
    switch (message) {
      case ServerMessage.Joined j -> seen.add("joined " + j.event().id() + " " + j.member().name());
      case ServerMessage.Left l -> seen.add("left " + l.event().id() + " " + l.name());
      case ServerMessage.MembersChanged c -> {
        for (int i = 0; i < c.changes().size(); i++) {
          seen.add(switch (c.changes().get(i)) {
            case MemberChange.Joined j -> "joined " + (c.firstId() + i) + " " + j.member().name();
            case MemberChange.Left l -> "left " + (c.firstId() + i) + " " + l.name();
          });
        }
      }
      case ServerMessage.Roster r -> {
        r.entries().forEach(e -> seen.add("listed " + e.member().name()));
        seen.add("more " + r.more());
      }
      default -> seen.add("other");
    }
    return seen;
  }

  private static final class Recorder implements MembershipReader.Names, MembershipReader.Changes {
    final List<String> seen = new ArrayList<>();

    @Override
    public void listed(byte[] data, int offset, int length) {
      seen.add("listed " + new String(data, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void joined(long eventId, byte[] data, int offset, int length) {
      seen.add("joined " + eventId + " " + new String(data, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void left(long eventId, byte[] data, int offset, int length) {
      seen.add("left " + eventId + " " + new String(data, offset, length, StandardCharsets.UTF_8));
    }
  }

  private static ServerMessage randomMembership(Random random) {
    long id = 1 + random.nextInt(1_000_000);
    String away = random.nextBoolean() ? "" : "away " + random.nextInt(10);
    return switch (random.nextInt(5)) {
      case 0 -> new ServerMessage.Joined(header(id), member(name(random)));
      case 1 -> new ServerMessage.Left(header(id), name(random), "", "bye");
      case 2 -> {
        List<RosterEntry> entries = new ArrayList<>();
        for (int i = 0, n = random.nextInt(20); i < n; i++) {
          entries.add(new RosterEntry(member(name(random)), away));
        }
        yield new ServerMessage.Roster("#g", random.nextBoolean(), entries);
      }
      case 3 -> new ServerMessage.Pong(id);
      default -> {
        List<MemberChange> changes = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(20); i < n; i++) {
          changes.add(random.nextInt(4) == 0
              ? new MemberChange.Left(key(i), name(random), "parted", away)
              : new MemberChange.Joined(member(name(random))));
        }
        yield new ServerMessage.MembersChanged("#g", id, HEAD, 1, changes);
      }
    };
  }

  private static String name(Random random) {
    return NAMES[random.nextInt(NAMES.length)] + random.nextInt(100);
  }

  private static EventHeader header(long id) {
    return new EventHeader("#g", id, HEAD, 1, key(1));
  }

  private static Member member(String name) {
    return new Member(name, key(name.length()));
  }

  private static ByteString key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return ByteString.copyOf(key);
  }
}
