package dev.lanchat.common.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.RoomEvent;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.RoomMessage;
import dev.lanchat.common.e2e.SealedDm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The message layer of protocol §4: exact layouts, round trips, strict parsing. */
class MessageCodecTest {
  private static final long SEED = 0x1A7C_4A7L;
  private static final HexFormat HEX = HexFormat.of();

  // --- random values (fixed, printed seed; bounded count) ---

  /** Pieces random strings are made of: ASCII, accents, CJK, emoji (surrogate pairs), ZWJ. */
  private static final String[] PIECES = {"a", "Z", "0", " ", "_", "é", "ß", "Ж", "中", "語", "😀",
      "👩‍💻", "\u200D", "\u200C", "\u0000", "\u001B", "\u202E", "\uFEFF", "\uD83C\uDFF3", "𝄞"};

  /** Three strings of exactly 65,535 UTF-8 bytes, built once: mixed 2- and 4-byte, 1-byte. */
  private static final String[] MAX_LENGTH = {
      maxLengthString(new Random(1)), maxLengthString(new Random(2)),
      "x".repeat(MessageCodec.MAX_STR_BYTES)};

  private static String randomString(Random random) {
    return switch (random.nextInt(30)) {
      case 0, 1, 2 -> "";
      case 3 -> MAX_LENGTH[random.nextInt(MAX_LENGTH.length)];
      default -> {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
          b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        yield b.toString();
      }
    };
  }

  /** A string of exactly 65,535 UTF-8 bytes, the most a {@code str} holds. */
  private static String maxLengthString(Random random) {
    StringBuilder b = new StringBuilder();
    int bytes = 0;
    while (bytes + 4 <= MessageCodec.MAX_STR_BYTES) {
      String piece = random.nextBoolean() ? "😀" : "é";
      b.append(piece);
      bytes += piece.getBytes(StandardCharsets.UTF_8).length;
    }
    b.append("x".repeat(MessageCodec.MAX_STR_BYTES - bytes));
    return b.toString();
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  private static Member randomMember(Random random) {
    return new Member(randomString(random), randomBytes(random, Member.KEY_SIZE));
  }

  private static List<Member> randomMembers(Random random) {
    int n = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(randomMember(random));
    }
    return out;
  }

  /** A u32: 0, its maximum, or anything between. */
  private static long randomU32(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> 0;
      case 1 -> ServerMessage.MAX_U32;
      default -> random.nextLong(ServerMessage.MAX_U32 + 1);
    };
  }

  private static long randomLong(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> -1; // u64 max
      case 2 -> Long.MIN_VALUE;
      default -> random.nextLong();
    };
  }

  private static Message randomMessage(Random random, int which) {
    return switch (which) {
      case 0 -> new ClientMessage.Join(randomString(random));
      case 1 -> new ClientMessage.Say(randomId(random), randomString(random),
          randomString(random));
      case 2 -> new ClientMessage.Dm(randomId(random), randomString(random), randomString(random));
      case 3 -> new ClientMessage.Who(randomString(random));
      case 4 -> new ClientMessage.Ping(randomLong(random));
      case 5 -> new ClientMessage.Bye(randomString(random));
      case 6 -> new ServerMessage.ServerAuth(randomBytes(random, 64));
      case 7 -> new ServerMessage.Welcome(randomString(random), randomString(random),
          randomString(random), randomU32(random), randomU32(random), random.nextInt(0x10000));
      case 8 -> new ServerMessage.Chat(randomHeader(random), randomString(random),
          randomString(random));
      case 9 -> new ServerMessage.Joined(randomHeader(random), randomMember(random));
      case 10 -> new ServerMessage.Left(randomHeader(random), randomString(random),
          randomString(random), randomString(random));
      case 11 -> new ServerMessage.Dm(randomLong(random), randomString(random),
          randomString(random), randomString(random),
          DmStatus.values()[random.nextInt(DmStatus.values().length)], randomString(random));
      case 12 -> new ServerMessage.Roster(randomRoom(random), random.nextBoolean(),
          randomEntries(random));
      case 13 -> new ServerMessage.Pong(randomLong(random));
      case 14 -> new ServerMessage.Error(random.nextInt(0x10000), randomString(random));
      case 15 -> new ServerMessage.Bye(randomString(random));
      case 16 -> new ClientMessage.ClientAuth(randomBytes(random, 32), randomBytes(random, 64));
      case 17 -> randomMembersChanged(random);
      // join-code bodies must hold points on the curve and valid proofs: one real exchange's
      case 18, 19, 20, 21, 22, 23 -> JoinCodeMessagesTest.EXCHANGE[which - 18];
      case 24 -> new ClientMessage.SignedHead(randomSignedHead(random));
      case 25 -> new ClientMessage.Enter(randomString(random), randomCount(random),
          random.nextBoolean());
      case 26 -> new ClientMessage.Part(randomString(random), randomString(random));
      case 27 -> new ClientMessage.Me(randomId(random), randomString(random),
          randomString(random));
      case 28 -> new ClientMessage.Nick(randomString(random));
      case 29 -> new ClientMessage.Topic(randomString(random), randomString(random));
      case 30 -> new ClientMessage.Away(randomString(random));
      case 31 -> new ClientMessage.Rooms();
      case 32 -> new ServerMessage.Action(randomHeader(random), randomString(random),
          randomString(random));
      case 33 -> new ServerMessage.Renamed(randomHeader(random), randomString(random),
          randomString(random));
      case 34 -> new ServerMessage.Topic(randomHeader(random), randomString(random),
          randomString(random));
      case 35 -> new ServerMessage.Entered(randomRoom(random), randomString(random),
          randomU32(random), randomU32(random), randomCount(random), random.nextBoolean());
      case 36 -> new ServerMessage.RoomList(randomRooms(random));
      case 37 -> new ServerMessage.SignedHead(randomSignedHead(random));
      case 38 -> new ClientMessage.E2eKey(randomE2eKey(random));
      case 39 -> new ClientMessage.E2eKeysGet(random.nextBoolean()
          ? randomRoom(random) : randomString(random));
      case 40 -> new ClientMessage.SealedDm(randomId(random), randomString(random),
          randomSealedDm(random));
      case 41 -> new ClientMessage.E2eSay(randomId(random), randomString(random),
          randomRoomMessage(random));
      case 42 -> new ServerMessage.E2eKeys(randomString(random), random.nextBoolean(),
          randomKeyEntries(random));
      case 43 -> new ServerMessage.SealedDm(randomLong(random), randomString(random),
          ByteString.copyOf(randomBytes(random, 32)), randomString(random),
          randomSealedDm(random), DmStatus.values()[random.nextInt(DmStatus.values().length)],
          randomString(random));
      case 44 -> new ServerMessage.E2eMessage(randomHeader(random), randomString(random),
          randomRoomMessage(random));
      case 45 -> new ClientMessage.BatchOk();
      default -> throw new IllegalArgumentException("no message kind " + which);
    };
  }

  private static final int KINDS = 46;

  /** The identity that signs the generator's end-to-end keys: a real signature, made once. */
  private static final Identity SIGNER = Identity.fromSeed(new byte[32]);

  /**
   * An end-to-end key: signed by {@link #SIGNER} half the time, random bytes (which the codec
   * must carry just as well; only a client's {@code check} judges them) otherwise; {@code
   * not_after} 0, 2^63 - 1 or between, {@code serial} a u32.
   */
  private static E2eKey randomE2eKey(Random random) {
    long notAfter = switch (random.nextInt(3)) {
      case 0 -> 0;
      case 1 -> Long.MAX_VALUE;
      default -> random.nextLong(Long.MAX_VALUE);
    };
    long serial = randomU32(random);
    byte[] key = randomBytes(random, 32);
    return random.nextBoolean()
        ? E2eKey.sign(SIGNER, key, notAfter, serial)
        : new E2eKey(ByteString.copyOf(randomBytes(random, 32)), ByteString.copyOf(key), notAfter,
            serial, ByteString.copyOf(randomBytes(random, 64)));
  }

  /** The smallest HPKE ciphertext of a sealed DM: kind, counter, signature and tag. */
  private static final int MIN_SEALED_CT = 1 + 8 + 64 + 16;

  /** A sealed DM of the smallest size, the largest (16,384 bytes in all) or between. */
  private static SealedDm randomSealedDm(Random random) {
    int max = SealedDm.MAX_SIZE - 4 - 32;
    int ct = switch (random.nextInt(4)) {
      case 0 -> MIN_SEALED_CT;
      case 1 -> max;
      default -> MIN_SEALED_CT + random.nextInt(200);
    };
    return new SealedDm(randomU32(random), ByteString.copyOf(randomBytes(random, 32)),
        ByteString.copyOf(randomBytes(random, ct)));
  }

  /** A room message of the smallest size, the largest (16,384 bytes in all) or between. */
  private static RoomMessage randomRoomMessage(Random random) {
    int max = RoomMessage.MAX_SIZE - 8 - 64;
    int ct = switch (random.nextInt(4)) {
      case 0 -> 16;
      case 1 -> max;
      default -> 16 + random.nextInt(200);
    };
    long counter = randomU32(random);
    return new RoomMessage(randomU32(random), counter == 0 ? 1 : counter,
        ByteString.copyOf(randomBytes(random, ct)), ByteString.copyOf(randomBytes(random, 64)));
  }

  private static List<E2eKeyEntry> randomKeyEntries(Random random) {
    int n = random.nextInt(4) == 0 ? 0 : random.nextInt(6);
    List<E2eKeyEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new E2eKeyEntry(randomString(random), randomE2eKey(random)));
    }
    return out;
  }

  private static final String ROOM_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

  /** A valid room name: 1 or 32 characters now and then, anything between otherwise. */
  private static String randomRoom(Random random) {
    int n = switch (random.nextInt(5)) {
      case 0 -> 1;
      case 1 -> 32;
      default -> 1 + random.nextInt(32);
    };
    StringBuilder b = new StringBuilder("#");
    for (int i = 0; i < n; i++) {
      b.append(ROOM_CHARS.charAt(random.nextInt(ROOM_CHARS.length())));
    }
    return b.toString();
  }

  /** A client message id: any u64 but 0. */
  private static long randomId(Random random) {
    long id = randomLong(random);
    return id == 0 ? 1 : id;
  }

  /** An event id: 1 to 2^63 - 1. */
  private static long randomEventId(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 1;
      case 1 -> Long.MAX_VALUE;
      default -> 1 + random.nextLong(Long.MAX_VALUE - 1);
    };
  }

  /** A since or skipped count: 0 to 2^63 - 1. */
  private static long randomCount(Random random) {
    return random.nextInt(4) == 0 ? 0 : randomEventId(random);
  }

  private static EventHeader randomHeader(Random random) {
    return new EventHeader(randomRoom(random), randomEventId(random),
        ByteString.copyOf(randomBytes(random, 32)), randomLong(random),
        ByteString.copyOf(randomBytes(random, 32)));
  }

  private static List<RosterEntry> randomEntries(Random random) {
    List<RosterEntry> out = new ArrayList<>();
    for (Member m : randomMembers(random)) {
      out.add(new RosterEntry(m, random.nextBoolean() ? "" : randomString(random)));
    }
    return out;
  }

  private static List<RoomSummary> randomRooms(Random random) {
    int n = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
    List<RoomSummary> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new RoomSummary(randomRoom(random), randomU32(random), randomString(random),
          random.nextBoolean()));
    }
    return out;
  }

  private static dev.lanchat.common.chain.SignedHead randomSignedHead(Random random) {
    return new dev.lanchat.common.chain.SignedHead(randomRoom(random), randomEventId(random),
        ByteString.copyOf(randomBytes(random, 32)), ByteString.copyOf(randomBytes(random, 32)),
        ByteString.copyOf(randomBytes(random, 64)));
  }

  private static ServerMessage.MembersChanged randomMembersChanged(Random random) {
    List<MemberChange> changes = new ArrayList<>();
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      changes.add(random.nextBoolean()
          ? new MemberChange.Joined(randomMember(random))
          : new MemberChange.Left(ByteString.copyOf(randomBytes(random, 32)),
              randomString(random), randomString(random), randomString(random)));
    }
    long firstId = 1 + random.nextLong(Long.MAX_VALUE - count);
    return new ServerMessage.MembersChanged(randomRoom(random), firstId,
        ByteString.copyOf(randomBytes(random, 32)), randomLong(random), changes);
  }

  @Test
  void everyMessageTypeRoundTripsWithRandomValues() throws Exception {
    System.out.println("MessageCodecTest seed " + SEED);
    Random random = new Random(SEED);
    Set<Class<?>> covered = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      for (int kind = 0; kind < KINDS; kind++) {
        Message m = randomMessage(random, kind);
        covered.add(m.getClass());
        byte[] wire = MessageCodec.encode(m);
        assertEquals(m.type(), wire[0] & 0xFF);
        Message back = MessageCodec.decode(wire);
        assertEquals(m, back, "seed " + SEED + ", round " + i);
        assertArrayEquals(wire, MessageCodec.encode(back));
        if (m instanceof ClientMessage) {
          assertEquals(m, MessageCodec.decodeClient(wire));
          assertEquals(Reason.MALFORMED_MESSAGE, assertThrows(ProtocolException.class,
              () -> MessageCodec.decodeServer(wire)).reason());
        } else {
          assertEquals(m, MessageCodec.decodeServer(wire));
          assertEquals(Reason.MALFORMED_MESSAGE, assertThrows(ProtocolException.class,
              () -> MessageCodec.decodeClient(wire)).reason());
        }
      }
    }
    Set<Class<?>> all = new HashSet<>();
    List<Class<?>> open = new ArrayList<>(List.of(Message.class));
    while (!open.isEmpty()) {
      Class<?> type = open.removeLast();
      if (type.isRecord()) {
        all.add(type);
      } else {
        open.addAll(Arrays.asList(type.getPermittedSubclasses()));
      }
    }
    assertEquals(all, covered, "the generator covers every message type");
  }

  @Test
  void strOfExactly65535BytesRoundTrips() throws Exception {
    for (String max : MAX_LENGTH) {
      assertEquals(MessageCodec.MAX_STR_BYTES, max.getBytes(StandardCharsets.UTF_8).length);
      Message m = new ServerMessage.Dm(1, max, "", max);
      assertEquals(m, MessageCodec.decode(MessageCodec.encode(m)));
    }
  }

  @Test
  void typeBytesAreThoseOfTheProtocolPage() {
    EventHeader h = header(1);
    Member b = new Member("b", new byte[32]);
    assertEquals(0x10, new ClientMessage.Join("a").type());
    assertEquals(0x11, new ClientMessage.Say(1, "#g", "a").type());
    assertEquals(0x12, new ClientMessage.Dm(1, "a", "b").type());
    assertEquals(0x13, new ClientMessage.Who("#g").type());
    assertEquals(0x14, new ClientMessage.Ping(0).type());
    assertEquals(0x15, new ClientMessage.Bye().type());
    assertEquals(0x16, new ClientMessage.ClientAuth(new byte[32], new byte[64]).type());
    assertEquals(0x1B, new ClientMessage.SignedHead(signedHead()).type());
    assertEquals(0x40, new ClientMessage.Enter("#g", 0).type());
    assertEquals(0x41, new ClientMessage.Part("#g", "").type());
    assertEquals(0x42, new ClientMessage.Me(1, "#g", "a").type());
    assertEquals(0x43, new ClientMessage.Nick("a").type());
    assertEquals(0x44, new ClientMessage.Topic("#g", "").type());
    assertEquals(0x45, new ClientMessage.Away("").type());
    assertEquals(0x46, new ClientMessage.Rooms().type());
    assertEquals(0x47, new ClientMessage.BatchOk().type());
    assertEquals(0x01, new ServerMessage.ServerAuth(new byte[64]).type());
    assertEquals(0x20, new ServerMessage.Welcome("a", "", "", 0, 0, 20).type());
    assertEquals(0x21, new ServerMessage.Chat(h, "a", "b").type());
    assertEquals(0x22, new ServerMessage.Joined(h, b).type());
    assertEquals(0x23, new ServerMessage.Left(h, "a", "", "").type());
    assertEquals(0x24, new ServerMessage.Dm(0, "a", "b", "c").type());
    assertEquals(0x25, new ServerMessage.Roster("#g", false, List.of()).type());
    assertEquals(0x26, new ServerMessage.Pong(0).type());
    assertEquals(0x27, new ServerMessage.Error(1, "").type());
    assertEquals(0x28, new ServerMessage.Bye("").type());
    assertEquals(0x2D, new ServerMessage.SignedHead(signedHead()).type());
    assertEquals(0x31, new ServerMessage.MembersChanged("#g", 1, h.head(), 0,
        List.of(new MemberChange.Joined(b))).type());
    assertEquals(0x32, new ServerMessage.Action(h, "a", "b").type());
    assertEquals(0x33, new ServerMessage.Renamed(h, "a", "b").type());
    assertEquals(0x34, new ServerMessage.Topic(h, "a", "b").type());
    assertEquals(0x35, new ServerMessage.Entered("#g", "", 1, 0, 0).type());
    assertEquals(0x36, new ServerMessage.RoomList(List.of()).type());
    assertEquals(0x1C, new ClientMessage.E2eKey(e2eKey()).type());
    assertEquals(0x1D, new ClientMessage.E2eKeysGet("#g").type());
    assertEquals(0x1E, new ClientMessage.SealedDm(1, "b", sealedDm()).type());
    assertEquals(0x1F, new ClientMessage.E2eSay(1, "#g", roomMessage()).type());
    assertEquals(0x2E, new ServerMessage.E2eKeys("#g", false, List.of()).type());
    assertEquals(0x2F, new ServerMessage.SealedDm(0, "a", filled(0x07), "b", sealedDm(),
        DmStatus.DELIVERED, "").type());
    assertEquals(0x30, new ServerMessage.E2eMessage(h, "a", roomMessage()).type());
  }

  /** Owner 0x07…, key 0x09…, not_after 3, serial 1, signature 0x0b…: bytes, not a valid key. */
  private static E2eKey e2eKey() {
    return new E2eKey(filled(0x07), filled(0x09), 3, 1, ByteString.copyOf(fill(64, 0x0b)));
  }

  /** The wire form of {@link #e2eKey}. */
  private static final String E2E_KEY_HEX = "07".repeat(32) + "09".repeat(32)
      + "0000000000000003" + "00000001" + "0b".repeat(64);

  /** Serial 1, enc 0x0e…, the smallest ciphertext (89 bytes of 0x0c). */
  private static SealedDm sealedDm() {
    return new SealedDm(1, filled(0x0e), ByteString.copyOf(fill(MIN_SEALED_CT, 0x0c)));
  }

  /** The wire form of {@link #sealedDm}: 125 bytes. */
  private static final String SEALED_DM_HEX = "00000001" + "0e".repeat(32) + "0c".repeat(89);

  /** Epoch 2, counter 3, the smallest ciphertext (16 bytes of 0x0d), signature 0x0f…. */
  private static RoomMessage roomMessage() {
    return new RoomMessage(2, 3, ByteString.copyOf(fill(16, 0x0d)),
        ByteString.copyOf(fill(64, 0x0f)));
  }

  /** The wire form of {@link #roomMessage}: 88 bytes. */
  private static final String ROOM_MESSAGE_HEX =
      "00000002" + "00000003" + "0d".repeat(16) + "0f".repeat(64);

  private static byte[] fill(int n, int value) {
    byte[] out = new byte[n];
    Arrays.fill(out, (byte) value);
    return out;
  }

  /** Room "#g", the given id, head 0x11…, time 2, sender 0x07…. */
  private static EventHeader header(long id) {
    return new EventHeader("#g", id, filled(0x11), 2, filled(0x07));
  }

  /** The wire form of {@link #header} with id 1. */
  private static final String HEADER_HEX =
      "00022367" + "0000000000000001" + "11".repeat(32) + "0000000000000002" + "07".repeat(32);

  private static ByteString filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return ByteString.copyOf(out);
  }

  private static dev.lanchat.common.chain.SignedHead signedHead() {
    return new dev.lanchat.common.chain.SignedHead("#g", 3, filled(0x11), filled(0x07),
        ByteString.copyOf(new byte[64]));
  }

  @Test
  void membersChangedIsTheEnvelopeOfTheFirstChangeAndTaggedChangesInOrder() throws Exception {
    ServerMessage.MembersChanged m = new ServerMessage.MembersChanged("#g", 5, filled(0x11), 1,
        List.of(new MemberChange.Joined(new Member("b", filled(0x07))),
            new MemberChange.Left(filled(0x09), "c", "", "x")));
    String hex = "31" + "00022367" + "0000000000000005" + "11".repeat(32) + "0000000000000001"
        + "0002" + "01" + "000162" + "07".repeat(32)
        + "02" + "09".repeat(32) + "000163" + "0000" + "000178";
    assertEquals(hex, HEX.formatHex(MessageCodec.encode(m)));
    assertEquals(m, MessageCodec.decode(HEX.parseHex(hex)));
    assertEquals(6, m.lastId());
  }

  @Test
  void membersChangedWithNoChangeAnUnknownTagOrABadIdOrRoomIsMalformed() {
    String tail = "11".repeat(32) + "0000000000000001";
    String leave = "02" + "09".repeat(32) + "000163" + "0000" + "0000";
    for (String hex : List.of(
        "31" + "00022367" + "0000000000000001" + tail + "0000",
        "31" + "00022367" + "0000000000000001" + tail + "0001" + "03" + "00".repeat(40),
        "31" + "00022367" + "0000000000000000" + tail + "0001" + leave,
        "31" + "00022367" + "8000000000000000" + tail + "0001" + leave,
        "31" + "00022367" + "7fffffffffffffff" + tail + "0002" + leave + leave,
        "31" + "00022067" + "0000000000000001" + tail + "0001" + leave,
        "31" + "00022367" + "0000000000000001" + tail + "ffff" + leave)) {
      assertMalformed(hex);
    }
  }

  @Test
  void errorCodesAreThoseOfTheProtocolPage() {
    String[] names = {"NAME_TAKEN", "NAME_INVALID", "NO_SUCH_USER", "TEXT_INVALID", "TEXT_TOO_LONG",
        "RATE_LIMITED", "SERVER_FULL", "NOT_JOINED", "ALREADY_JOINED", "AUTH_FAILED",
        "AUTH_REQUIRED", "NAME_BOUND", "NOT_ALLOWED", "JOIN_CODE_FAILED", "ROOM_INVALID",
        "NOT_IN_ROOM", "ALREADY_IN_ROOM", "TOO_MANY_ROOMS", "OFFLINE_FULL", "STORE_FAILED",
        "E2E_KEY_INVALID", "E2E_MISMATCH"};
    assertEquals(names.length, ErrorCode.values().length);
    for (int i = 0; i < names.length; i++) {
      assertEquals(ErrorCode.valueOf(names[i]), ErrorCode.of(i + 1).orElseThrow());
      assertEquals(i + 1, ErrorCode.valueOf(names[i]).code());
    }
    assertTrue(ErrorCode.of(0).isEmpty());
    assertTrue(ErrorCode.of(names.length + 1).isEmpty());
    assertEquals(ErrorCode.NO_SUCH_USER,
        new ServerMessage.Error(ErrorCode.NO_SUCH_USER, "x").errorCode().orElseThrow());
  }

  @Test
  void fieldsAreLaidOutBigEndianWithU16LengthPrefixes() {
    assertEquals("1000056a6f73c3a9",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.Join("josé"))));
    assertEquals("140102030405060708",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.Ping(0x0102030405060708L))));
    assertEquals("1300022367", HEX.formatHex(MessageCodec.encode(new ClientMessage.Who("#g"))));
    assertEquals("150000", HEX.formatHex(MessageCodec.encode(new ClientMessage.Bye())));
    assertEquals("150002" + "6279", HEX.formatHex(MessageCodec.encode(new ClientMessage.Bye("by"))));
    assertEquals("11" + "0000000000000001" + "00022367" + "00026869",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.Say(1, "#g", "hi"))));
    assertEquals("12" + "ffffffffffffffff" + "000161" + "00026869",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.Dm(-1, "a", "hi"))));
    assertEquals("40" + "00022367" + "0000000000000000" + "00",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.Enter("#g", 0))));
    assertEquals("40" + "00022367" + "0000000000000000" + "01",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.Enter("#g", 0, true))));
    assertEquals("46", HEX.formatHex(MessageCodec.encode(new ClientMessage.Rooms())));
    assertEquals("20000161000173000000002710000000140014",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Welcome("a", "s", "", 10_000, 20,
            20))));
    Member b = new Member("b", filled(0x07));
    assertEquals("22" + HEADER_HEX + "000162" + "07".repeat(32),
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Joined(header(1), b))));
    assertEquals("23" + HEADER_HEX + "000162000000027878",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Left(header(1), "b", "", "xx"))));
    assertEquals("16" + "07".repeat(32) + "00".repeat(64), HEX.formatHex(MessageCodec.encode(
        new ClientMessage.ClientAuth(filled(0x07).toByteArray(), new byte[64]))));
    assertEquals("21" + HEADER_HEX + "000162000163",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Chat(header(1), "b", "c"))));
    assertEquals("25" + "00022367" + "00" + "0000",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Roster("#g", false, List.of()))));
    assertEquals("25" + "00022367" + "01" + "0001" + "000162" + "07".repeat(32) + "000178",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Roster("#g", true,
            List.of(new RosterEntry(b, "x"))))));
    assertEquals("24" + "0000000000000001" + "000161000162000163" + "02" + "00017a",
        HEX.formatHex(MessageCodec.encode(
            new ServerMessage.Dm(1, "a", "b", "c", DmStatus.AWAY, "z"))));
    assertEquals("35" + "00022367" + "0000" + "00000002" + "00000000" + "0000000000000000"
        + "00", HEX.formatHex(MessageCodec.encode(new ServerMessage.Entered("#g", "", 2, 0, 0))));
    assertEquals("35" + "00022367" + "0000" + "00000002" + "00000000" + "0000000000000000"
        + "01", HEX.formatHex(MessageCodec.encode(
            new ServerMessage.Entered("#g", "", 2, 0, 0, true))));
    assertEquals("36" + "0002" + "00022367" + "00000003" + "000174" + "00"
        + "00022368" + "00000001" + "0000" + "01",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.RoomList(List.of(
            new RoomSummary("#g", 3, "t"), new RoomSummary("#h", 1, "", true))))));
  }

  @Test
  void endToEndMessagesAreLaidOutAsTheProtocolPageSays() {
    assertEquals("1c" + E2E_KEY_HEX,
        HEX.formatHex(MessageCodec.encode(new ClientMessage.E2eKey(e2eKey()))));
    assertEquals("1d" + "00022367",
        HEX.formatHex(MessageCodec.encode(new ClientMessage.E2eKeysGet("#g"))));
    assertEquals("1e" + "0000000000000001" + "000162" + "007d" + SEALED_DM_HEX,
        HEX.formatHex(MessageCodec.encode(new ClientMessage.SealedDm(1, "b", sealedDm()))));
    assertEquals("1f" + "0000000000000002" + "00022367" + "0058" + ROOM_MESSAGE_HEX,
        HEX.formatHex(MessageCodec.encode(new ClientMessage.E2eSay(2, "#g", roomMessage()))));
    assertEquals("2e" + "00022367" + "01" + "0001" + "000162" + E2E_KEY_HEX,
        HEX.formatHex(MessageCodec.encode(new ServerMessage.E2eKeys("#g", true,
            List.of(new E2eKeyEntry("b", e2eKey()))))));
    assertEquals("2e" + "000162" + "00" + "0000",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.E2eKeys("b", false, List.of()))));
    assertEquals("2f" + "0000000000000005" + "000161" + "07".repeat(32) + "000162" + "007d"
        + SEALED_DM_HEX + "03" + "0000",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.SealedDm(5, "a", filled(0x07), "b",
            sealedDm(), DmStatus.FROM_STORAGE, ""))));
    assertEquals("30" + HEADER_HEX + "000161" + "0058" + ROOM_MESSAGE_HEX,
        HEX.formatHex(MessageCodec.encode(new ServerMessage.E2eMessage(header(1), "a",
            roomMessage()))));
  }

  @Test
  void errorCarriesAU16CodeAndText() {
    assertEquals("27ffff000141",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Error(0xFFFF, "A"))));
    assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Error(0x10000, "A"));
  }

  @Test
  void encodingRefusesWhatTheWireCannotCarry() {
    assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(
        new ClientMessage.Say(1, "#g", "x".repeat(MessageCodec.MAX_STR_BYTES + 1))));
    assertThrows(IllegalArgumentException.class,
        () -> MessageCodec.encode(new ClientMessage.Say(1, "#g", "bad \uD800 surrogate")));
    assertThrows(IllegalArgumentException.class,
        () -> new ServerMessage.ServerAuth(new byte[63]));
  }

  @Test
  void recordsRefuseWhatTheWireForbids() {
    assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Say(0, "#g", "a"));
    assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Dm(0, "a", "b"));
    assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Me(0, "#g", "a"));
    assertThrows(IllegalArgumentException.class, () -> new ClientMessage.Enter("#g", -1));
    assertThrows(IllegalArgumentException.class, () -> header(0));
    assertThrows(IllegalArgumentException.class,
        () -> new EventHeader("general", 1, filled(1), 0, filled(2)));
    assertThrows(IllegalArgumentException.class,
        () -> new ServerMessage.Roster("#a b", false, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new ServerMessage.Welcome("a", "", "", 0, 0, 0x10000));
    assertThrows(IllegalArgumentException.class,
        () -> new ServerMessage.Entered("#g", "", 1, 0, -1));
    assertThrows(IllegalArgumentException.class,
        () -> new ServerMessage.MembersChanged("#g", 1, filled(1), 0, List.of()));
  }

  // --- the end-to-end wire (protocol §4.2, §4.3, "End-to-end layer") ---

  @Test
  void aFlagsByteOtherThan0Or1IsMalformed() throws Exception {
    for (String flags : List.of("02", "03", "80", "fe", "ff")) {
      assertMalformed("40" + "00022367" + "0000000000000000" + flags);
      assertMalformed("35" + "00022367" + "0000" + "00000002" + "00000000" + "0000000000000000"
          + flags);
      assertMalformed("36" + "0001" + "00022367" + "00000003" + "000174" + flags);
      assertMalformed("2e" + "00022367" + flags + "0000");
    }
    for (String flags : List.of("00", "01")) {
      MessageCodec.decode(HEX.parseHex("40" + "00022367" + "0000000000000000" + flags));
      MessageCodec.decode(HEX.parseHex("36" + "0001" + "00022367" + "00000003" + "000174"
          + flags));
    }
    assertEquals(new ClientMessage.Enter("#g", 0, true),
        MessageCodec.decode(HEX.parseHex("40" + "00022367" + "0000000000000000" + "01")));
  }

  @Test
  void anEnterEnteredOrRoomListWithoutItsFlagsByteIsMalformed() {
    assertMalformed("40" + "00022367" + "0000000000000000");
    assertMalformed("35" + "00022367" + "0000" + "00000002" + "00000000" + "0000000000000000");
    assertMalformed("36" + "0001" + "00022367" + "00000003" + "000174");
  }

  @Test
  void anE2eKeyOf139BytesIsMalformed() {
    String short139 = E2E_KEY_HEX.substring(0, E2E_KEY_HEX.length() - 2);
    assertMalformed("1c" + short139);
    assertMalformed("1c" + E2E_KEY_HEX + "00"); // 141: a byte left over
    assertMalformed("2e" + "00022367" + "00" + "0001" + "000162" + short139);
  }

  @Test
  void anE2eKeyWhoseNotAfterIsAtOrAbove2To63IsMalformed() throws Exception {
    for (String notAfter : List.of("8000000000000000", "ffffffffffffffff")) {
      String key = "07".repeat(32) + "09".repeat(32) + notAfter + "00000001" + "0b".repeat(64);
      assertMalformed("1c" + key);
      assertMalformed("2e" + "00022367" + "00" + "0001" + "000162" + key);
    }
    String largest = "07".repeat(32) + "09".repeat(32) + "7fffffffffffffff" + "ffffffff"
        + "0b".repeat(64);
    E2eKey key = ((ClientMessage.E2eKey) MessageCodec.decode(HEX.parseHex("1c" + largest)))
        .key();
    assertEquals(Long.MAX_VALUE, key.notAfter());
    assertEquals(0xFFFF_FFFFL, key.serial());
  }

  @Test
  void aSealedDmOutOfItsBoundsIsMalformed() throws Exception {
    // the smallest sealed_dm is 4 + 32 + 89 = 125 bytes, the largest 16,384
    String tooShort = "00000001" + "0e".repeat(32) + "0c".repeat(88);
    String tooLong = "00000001" + "0e".repeat(32) + "0c".repeat(SealedDm.MAX_SIZE - 36 + 1);
    String longest = "00000001" + "0e".repeat(32) + "0c".repeat(SealedDm.MAX_SIZE - 36);
    for (String body : List.of(tooShort, tooLong, "")) {
      String bytes = String.format("%04x", body.length() / 2) + body;
      assertMalformed("1e" + "0000000000000001" + "000162" + bytes);
      assertMalformed("2f" + "0000000000000005" + "000161" + "07".repeat(32) + "000162" + bytes
          + "03" + "0000");
    }
    String bytes = String.format("%04x", longest.length() / 2) + longest;
    assertEquals(SealedDm.MAX_SIZE, ((ClientMessage.SealedDm) MessageCodec.decode(HEX.parseHex(
        "1e" + "0000000000000001" + "000162" + bytes))).sealed().encode().length);
    // a bytes length that runs past the end of the message
    assertMalformed("1e" + "0000000000000001" + "000162" + "007e" + SEALED_DM_HEX);
  }

  @Test
  void aRoomMessageOutOfItsBoundsIsMalformed() throws Exception {
    // the smallest room_message is 8 + 16 + 64 = 88 bytes, the largest 16,384; counter from 1
    String tooShort = "00000002" + "00000003" + "0d".repeat(15) + "0f".repeat(64);
    String tooLong = "00000002" + "00000003"
        + "0d".repeat(RoomMessage.MAX_SIZE - 72 + 1) + "0f".repeat(64);
    String counterZero = "00000002" + "00000000" + "0d".repeat(16) + "0f".repeat(64);
    for (String body : List.of(tooShort, tooLong, counterZero, "")) {
      String bytes = String.format("%04x", body.length() / 2) + body;
      assertMalformed("1f" + "0000000000000001" + "00022367" + bytes);
      assertMalformed("30" + HEADER_HEX + "000161" + bytes);
    }
    String longest = "00000002" + "00000003" + "0d".repeat(RoomMessage.MAX_SIZE - 72)
        + "0f".repeat(64);
    String bytes = String.format("%04x", longest.length() / 2) + longest;
    assertEquals(RoomMessage.MAX_SIZE, ((ClientMessage.E2eSay) MessageCodec.decode(HEX.parseHex(
        "1f" + "0000000000000001" + "00022367" + bytes))).message().encode().length);
  }

  @Test
  void aSealedDmOrE2eSayWithId0IsMalformed() {
    assertMalformed("1e" + "0000000000000000" + "000162" + "007d" + SEALED_DM_HEX);
    assertMalformed("1f" + "0000000000000000" + "00022367" + "0058" + ROOM_MESSAGE_HEX);
    assertThrows(IllegalArgumentException.class,
        () -> new ClientMessage.SealedDm(0, "b", sealedDm()));
    assertThrows(IllegalArgumentException.class,
        () -> new ClientMessage.E2eSay(0, "#g", roomMessage()));
  }

  @Test
  void anE2eKeysCountThatCannotFitIsRefusedBeforeAllocation() {
    // 65,535 entries of at least 142 bytes each, in 0 bytes: refused on the count alone
    assertMalformed("2e" + "00022367" + "00" + "ffff");
    // two entries announced, one present
    assertMalformed("2e" + "00022367" + "00" + "0002" + "000162" + E2E_KEY_HEX);
    // 2 entries of 142 bytes need 284; 283 are there
    assertMalformed("2e" + "00022367" + "00" + "0002" + "0000" + E2E_KEY_HEX + "0000"
        + E2E_KEY_HEX.substring(2));
  }

  @Test
  void anE2eMessagesChainPayloadIsFromThenItsRoomMessage() throws Exception {
    ServerMessage.E2eMessage m = new ServerMessage.E2eMessage(header(1), "a", roomMessage());
    String payload = "000161" + "0058" + ROOM_MESSAGE_HEX;
    assertEquals("07".repeat(32) + "00022367" + "0000000000000001" + "0000000000000002" + "30"
        + String.format("%08x", payload.length() / 2) + payload,
        HEX.formatHex(ChainEvents.canonical(m)));
    RoomEvent event = ChainEvents.of(m);
    assertEquals(ServerMessage.E2eMessage.TYPE, event.type());
    byte[] wire = MessageCodec.encode(m);
    assertEquals("30" + HEADER_HEX + payload, HEX.formatHex(wire),
        "the payload is the message's bytes after the envelope");
    assertArrayEquals(ChainEvents.canonical(m),
        ChainEvents.canonical((ServerMessage.Event) MessageCodec.decode(wire)));
  }

  // --- strict parsing (protocol §4): every failure is MALFORMED_MESSAGE ---

  private static void assertMalformed(String hex) {
    byte[] bytes = HEX.parseHex(hex);
    ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(bytes),
        hex);
    assertEquals(Reason.MALFORMED_MESSAGE, e.reason(), hex);
  }

  @Test
  void emptyPlaintextIsMalformed() {
    assertMalformed("");
  }

  @Test
  void unknownTypeIsMalformed() {
    Set<Integer> known = Set.of(0x01, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
        0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
        0x2A, 0x2B, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x40, 0x41, 0x42,
        0x43, 0x44, 0x45, 0x46, 0x47);
    // BATCH (0x37) is the message channel's, never decoded as one message: unknown here too
    for (int type = 0; type < 256; type++) {
      if (!known.contains(type)) {
        assertMalformed(String.format("%02x", type));
        assertMalformed(String.format("%02x0000", type));
      }
    }
  }

  @Test
  void keyUpdateTypesNeverReachTheMessageLayer() {
    // the channel consumes 0x1A and 0x2C (protocol "Key update"); here they are unknown types
    assertMalformed("1a");
    assertMalformed("2c");
  }

  @Test
  void fieldThatRunsPastTheEndIsMalformed() {
    assertMalformed("10");             // JOIN without its str
    assertMalformed("1000");           // half a u16 length
    assertMalformed("100005616c6963"); // str of 5 with 4 bytes
    assertMalformed("14010203");       // PING with half a u64
    assertMalformed("01" + "00".repeat(63)); // SERVER_AUTH with 63 bytes of signature
    assertMalformed("2000016100000000000000000000"); // WELCOME with half its burst
    assertMalformed("2000016100000000" + "0000000000000000"); // WELCOME without max_rooms
    assertMalformed("22" + HEADER_HEX + "000162" + "07".repeat(31)); // JOINED, key cut off
    assertMalformed("22" + HEADER_HEX.substring(0, HEADER_HEX.length() - 2)); // sender cut off
    assertMalformed("15");             // BYE without its message
    assertMalformed("16" + "00".repeat(95)); // CLIENT_AUTH one byte short
    assertMalformed("25" + "00022367" + "00" + "ffff"); // ROSTER of 65,535 in 0 bytes
    assertMalformed("25" + "00022367" + "00" + "0002" + "000162" + "07".repeat(32) + "0000");
                                       // ROSTER listing 2 entries, holding 1
    assertMalformed("36" + "ffff");    // ROOM_LIST of 65,535 rooms in 0 bytes
    assertMalformed("2700");           // ERROR with half a code
    assertMalformed("12" + "0000000000000001" + "0001610001"); // DM whose text is cut off
    assertMalformed("11" + "00000000000001");                  // SAY with half an id
    assertMalformed("40" + "00022367" + "00000000");           // ENTER with half a since
    assertMalformed("35" + "00022367" + "0000" + "00000002" + "00000000" + "00000000");
                                       // ENTERED with half its skipped
    assertMalformed("1b" + "00022367" + "0000000000000003");   // SIGNED_HEAD cut off
    assertMalformed("24" + "0000000000000001" + "000161000162000163"); // DM without status
  }

  @Test
  void bytesLeftAfterTheLastFieldAreMalformed() {
    assertMalformed("1300022367" + "00");
    assertMalformed("15000000");
    assertMalformed("16" + "00".repeat(97));
    assertMalformed("10000161ff");
    assertMalformed("01" + "00".repeat(65));
    assertMalformed("1401020304050607080900");
    assertMalformed("25" + "00022367" + "00" + "0000" + "00");
    assertMalformed("4600");
    assertMalformed("20000161000173000000002710000000140014" + "00");
    assertMalformed("21" + HEADER_HEX + "000162000163" + "00");
  }

  @Test
  void badRoomNamesWhereTheServerNamesARoomAreMalformed() {
    // "#", "g" without '#', "#a b", 33 characters after '#', non-ASCII
    for (String room : List.of("000123", "000167", "0004" + "23612062",
        "0022" + "23" + "61".repeat(33), "0003" + "23c3a9")) {
      assertMalformed("21" + room + HEADER_HEX.substring(8) + "000162000163");
      assertMalformed("25" + room + "00" + "0000");
      assertMalformed("35" + room + "0000" + "00000002" + "00000000" + "0000000000000000" + "00");
      assertMalformed("36" + "0001" + room + "00000003" + "000174" + "00");
      assertMalformed("30" + room + HEADER_HEX.substring(8) + "000161" + "0058"
          + ROOM_MESSAGE_HEX);
      assertMalformed("2d" + room + "0000000000000003" + "11".repeat(32) + "07".repeat(96));
    }
  }

  @Test
  void clientsNameRoomsFreelyAndTheServerJudgesThem() throws Exception {
    // a client's room fields are plain strs: ERROR ROOM_INVALID is the server's answer, not a
    // protocol error that would cost the client its connection
    for (Message m : List.<Message>of(new ClientMessage.Enter("no hash", 0),
        new ClientMessage.Who("#a b"), new ClientMessage.Say(1, "", "x"))) {
      assertEquals(m, MessageCodec.decode(MessageCodec.encode(m)));
    }
  }

  @Test
  void zeroIdsAndOutOfRangeCountsAreMalformed() {
    assertMalformed("11" + "0000000000000000" + "00022367" + "00026869"); // SAY id 0
    assertMalformed("42" + "0000000000000000" + "00022367" + "00026869"); // ME id 0
    assertMalformed("12" + "0000000000000000" + "000161" + "00026869");   // DM id 0
    String rest = "11".repeat(32) + "0000000000000002" + "07".repeat(32) + "000162000163";
    assertMalformed("21" + "00022367" + "0000000000000000" + rest);       // event id 0
    assertMalformed("21" + "00022367" + "8000000000000000" + rest);       // event id 2^63
    assertMalformed("40" + "00022367" + "8000000000000000" + "00");       // since 2^63
    assertMalformed("35" + "00022367" + "0000" + "00000002" + "00000000" + "ffffffffffffffff"
        + "00");
    assertMalformed("2d" + "00022367" + "0000000000000000" + "11".repeat(32) + "07".repeat(96));
    assertMalformed("24" + "0000000000000001" + "000161000162000163" + "04" + "0000"); // status
    assertMalformed("25" + "00022367" + "02" + "0000");                   // more = 2
  }

  @Test
  void everyProperPrefixAndEveryExtensionOfAMessageIsMalformed() {
    long seed = SEED + 3;
    System.out.println("MessageCodecTest prefix seed " + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 20; round++) {
      for (int kind = 0; kind < KINDS; kind++) {
        byte[] wire = MessageCodec.encode(randomMessage(random, kind));
        if (wire.length > 600) {
          continue; // the long strings are covered by the round trip; keep this loop quick
        }
        for (int n = 0; n < wire.length; n++) {
          assertMalformed(HEX.formatHex(Arrays.copyOf(wire, n)));
        }
        assertMalformed(HEX.formatHex(wire) + String.format("%02x", random.nextInt(256)));
      }
    }
  }

  @Test
  void malformedUtf8IsMalformedAndNeverReplaced() {
    String[] bad = {
        "c0af",         // overlong '/'
        "e080af",       // overlong '/', three bytes
        "f08082af",     // overlong, four bytes
        "c1bf",         // overlong
        "eda080",       // U+D800, a surrogate encoded as UTF-8
        "edbfbf",       // U+DFFF
        "eda0bdedb880", // a surrogate pair encoded as two surrogates (CESU-8)
        "e282",         // truncated three-byte sequence
        "f09f98",       // truncated four-byte sequence
        "c3",           // truncated two-byte sequence
        "80",           // lone continuation byte
        "ff",           // never valid in UTF-8
        "f4908080",     // beyond U+10FFFF
        "61e28228",     // truncated sequence followed by ASCII
    };
    for (String utf8 : bad) {
      String len = String.format("%04x", utf8.length() / 2);
      assertMalformed("11" + "0000000000000001" + "00022367" + len + utf8);  // SAY
      assertMalformed("12" + "0000000000000001" + len + utf8 + "0000");      // DM to
      assertMalformed("25" + "00022367" + "00" + "0001" + len + utf8);       // ROSTER entry
      assertMalformed("41" + len + utf8 + "0000");                           // PART room
    }
  }

  @Test
  void validUtf8OfEveryLengthDecodes() throws Exception {
    String text = "a\u00e9\u4e2d\ud83d\ude00".translateEscapes();
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(10, utf8.length);
    byte[] wire = MessageCodec.encode(new ClientMessage.Say(7, "#g", text));
    assertEquals(new ClientMessage.Say(7, "#g", text), MessageCodec.decode(wire));
    assertFalse(((ClientMessage.Say) MessageCodec.decode(wire)).text()
        .contains("\uFFFD".translateEscapes()));
  }

  // --- random bytes only ever raise ProtocolException ---

  @Test
  void randomBytesOnlyEverRaiseProtocolException() {
    long seed = SEED + 1;
    System.out.println("MessageCodecTest fuzz seed " + seed);
    Random random = new Random(seed);
    int accepted = 0;
    int[] types = {0x01, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20,
        0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33,
        0x34, 0x35, 0x36, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46};
    for (int i = 0; i < 10_000; i++) {
      byte[] bytes = new byte[random.nextInt(120)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextInt(4) > 0) {
        bytes[0] = (byte) types[random.nextInt(types.length)];
      }
      if (bytes.length > 2 && random.nextBoolean()) {
        bytes[1] = 0; // a short first length, so parsing gets further
      }
      if (decodesOrRefuses(bytes, seed)) {
        accepted++;
      }
    }
    assertTrue(accepted > 0, "some random inputs should be valid messages");
  }

  @Test
  void mutatedValidMessagesOnlyEverRaiseProtocolException() throws Exception {
    long seed = SEED + 2;
    System.out.println("MessageCodecTest mutation seed " + seed);
    Random random = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      byte[] wire = MessageCodec.encode(randomMessage(random, random.nextInt(KINDS)));
      byte[] mutated = switch (random.nextInt(3)) {
        case 0 -> Arrays.copyOf(wire, random.nextInt(wire.length + 1));
        case 1 -> {
          byte[] copy = wire.clone();
          copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
          yield copy;
        }
        default -> Arrays.copyOf(wire, wire.length + 1 + random.nextInt(3));
      };
      decodesOrRefuses(mutated, seed);
    }
  }

  /** Decodes {@code bytes}, allowing only success or a MALFORMED_MESSAGE ProtocolException. */
  private static boolean decodesOrRefuses(byte[] bytes, long seed) {
    try {
      Message m = MessageCodec.decode(bytes);
      assertArrayEquals(bytes, MessageCodec.encode(m), "a decoded message re-encodes exactly");
      return true;
    } catch (ProtocolException e) {
      assertEquals(Reason.MALFORMED_MESSAGE, e.reason());
      return false;
    } catch (RuntimeException e) {
      throw new AssertionError("seed " + seed + ", input " + HEX.formatHex(bytes), e);
    }
  }
}
