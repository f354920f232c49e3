package dev.lanchat.common.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
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
      case 1 -> ServerMessage.Welcome.MAX_U32;
      default -> random.nextLong(ServerMessage.Welcome.MAX_U32 + 1);
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
      case 1 -> new ClientMessage.Say(randomString(random));
      case 2 -> new ClientMessage.Dm(randomString(random), randomString(random));
      case 3 -> new ClientMessage.Who();
      case 4 -> new ClientMessage.Ping(randomLong(random));
      case 5 -> new ClientMessage.Bye(randomString(random));
      case 6 -> {
        byte[] sig = new byte[64];
        random.nextBytes(sig);
        yield new ServerMessage.ServerAuth(sig);
      }
      case 7 -> new ServerMessage.Welcome(randomString(random), randomString(random),
          randomString(random), randomU32(random), randomU32(random), randomMembers(random));
      case 8 -> new ServerMessage.Chat(randomLong(random), randomString(random), randomString(random));
      case 9 -> new ServerMessage.Joined(randomLong(random), randomMember(random));
      case 10 -> new ServerMessage.Left(randomLong(random), randomString(random), randomString(random),
          randomString(random));
      case 11 -> new ServerMessage.Dm(randomLong(random), randomString(random), randomString(random),
          randomString(random));
      case 12 -> new ServerMessage.Roster(randomMembers(random));
      case 13 -> new ServerMessage.Pong(randomLong(random));
      case 14 -> new ServerMessage.Error(random.nextInt(0x10000), randomString(random));
      case 15 -> new ServerMessage.Bye(randomString(random));
      case 16 -> new ClientMessage.ClientAuth(randomBytes(random, 32), randomBytes(random, 64));
      case 17 -> randomMembersChanged(random);
      // join-code bodies must hold points on the curve and valid proofs: one real exchange's
      case 18, 19, 20, 21, 22, 23 -> JoinCodeMessagesTest.EXCHANGE[which - 18];
      default -> throw new IllegalArgumentException("no message kind " + which);
    };
  }

  private static final int KINDS = 24;

  private static ServerMessage.MembersChanged randomMembersChanged(Random random) {
    boolean rest = random.nextBoolean();
    List<MemberChange> changes = new ArrayList<>();
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      changes.add(rest || random.nextBoolean()
          ? new MemberChange.Joined(randomMember(random))
          : new MemberChange.Left(randomString(random), randomString(random), randomString(random)));
    }
    return new ServerMessage.MembersChanged(randomLong(random), rest, changes);
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
    for (Class<?> side : Message.class.getPermittedSubclasses()) {
      all.addAll(Arrays.asList(side.getPermittedSubclasses()));
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
    assertEquals(0x10, new ClientMessage.Join("a").type());
    assertEquals(0x11, new ClientMessage.Say("a").type());
    assertEquals(0x12, new ClientMessage.Dm("a", "b").type());
    assertEquals(0x13, new ClientMessage.Who().type());
    assertEquals(0x14, new ClientMessage.Ping(0).type());
    assertEquals(0x15, new ClientMessage.Bye().type());
    assertEquals(0x16, new ClientMessage.ClientAuth(new byte[32], new byte[64]).type());
    assertEquals(0x01, new ServerMessage.ServerAuth(new byte[64]).type());
    assertEquals(0x20, new ServerMessage.Welcome("a", "", "", 0, 0, List.of()).type());
    assertEquals(0x21, new ServerMessage.Chat(0, "a", "b").type());
    assertEquals(0x22, new ServerMessage.Joined(0, new Member("a", new byte[32])).type());
    assertEquals(0x23, new ServerMessage.Left(0, "a", "", "").type());
    assertEquals(0x24, new ServerMessage.Dm(0, "a", "b", "c").type());
    assertEquals(0x25, new ServerMessage.Roster(List.of()).type());
    assertEquals(0x26, new ServerMessage.Pong(0).type());
    assertEquals(0x27, new ServerMessage.Error(1, "").type());
    assertEquals(0x28, new ServerMessage.Bye("").type());
    assertEquals(0x31, new ServerMessage.MembersChanged(0, false,
        List.of(new MemberChange.Left("a", "", ""))).type());
  }

  @Test
  void membersChangedIsTimeFlagAndTaggedChangesInOrder() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    ServerMessage.MembersChanged m = new ServerMessage.MembersChanged(1, false, List.of(
        new MemberChange.Joined(new Member("b", key)), new MemberChange.Left("c", "", "x")));
    String hex = "31" + "0000000000000001" + "00" + "0002"
        + "01" + "000162" + "07".repeat(32) + "02" + "000163" + "0000" + "000178";
    assertEquals(hex, HEX.formatHex(MessageCodec.encode(m)));
    assertEquals(m, MessageCodec.decode(HEX.parseHex(hex)));
  }

  @Test
  void membersChangedWithNoChangeAnUnknownTagOrALeaveInAWelcomeRestIsMalformed() {
    for (String hex : List.of("31000000000000000100" + "0000",
        "31000000000000000100" + "0001" + "03" + "000000000000",
        "31000000000000000101" + "0001" + "02" + "000163" + "0000" + "0000",
        "31000000000000000102" + "0001" + "02" + "000163" + "0000" + "0000",
        "31000000000000000100" + "ffff" + "02" + "000163" + "0000" + "0000")) {
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> MessageCodec.decode(HEX.parseHex(hex)), hex);
      assertEquals(Reason.MALFORMED_MESSAGE, e.reason());
    }
  }

  @Test
  void errorCodesAreThoseOfTheProtocolPage() {
    String[] names = {"NAME_TAKEN", "NAME_INVALID", "NO_SUCH_USER", "TEXT_INVALID", "TEXT_TOO_LONG",
        "RATE_LIMITED", "SERVER_FULL", "NOT_JOINED", "ALREADY_JOINED", "AUTH_FAILED",
        "AUTH_REQUIRED", "NAME_BOUND", "NOT_ALLOWED", "JOIN_CODE_FAILED"};
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
    assertEquals("13", HEX.formatHex(MessageCodec.encode(new ClientMessage.Who())));
    assertEquals("150000", HEX.formatHex(MessageCodec.encode(new ClientMessage.Bye())));
    assertEquals("150002" + "6279", HEX.formatHex(MessageCodec.encode(new ClientMessage.Bye("by"))));
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    assertEquals("20000161000173000000002710000000140001000162" + "07".repeat(32),
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Welcome("a", "s", "", 10_000, 20,
            List.of(new Member("b", key))))));
    assertEquals("220000000000000001000162" + "07".repeat(32),
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Joined(1, new Member("b", key)))));
    assertEquals("230000000000000001000162000000027878",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Left(1, "b", "", "xx"))));
    assertEquals("16" + "07".repeat(32) + "00".repeat(64),
        HEX.formatHex(MessageCodec.encode(new ClientMessage.ClientAuth(key, new byte[64]))));
    assertEquals("21ffffffffffffffff000162000163",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Chat(-1, "b", "c"))));
    assertEquals("250000", HEX.formatHex(MessageCodec.encode(new ServerMessage.Roster(List.of()))));
  }

  @Test
  void errorCarriesAU16CodeAndText() {
    assertEquals("27ffff000141",
        HEX.formatHex(MessageCodec.encode(new ServerMessage.Error(0xFFFF, "A"))));
    assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Error(0x10000, "A"));
  }

  @Test
  void encodingRefusesWhatTheWireCannotCarry() {
    assertThrows(IllegalArgumentException.class,
        () -> MessageCodec.encode(new ClientMessage.Say("x".repeat(MessageCodec.MAX_STR_BYTES + 1))));
    assertThrows(IllegalArgumentException.class,
        () -> MessageCodec.encode(new ClientMessage.Say("bad \uD800 surrogate")));
    assertThrows(IllegalArgumentException.class,
        () -> new ServerMessage.ServerAuth(new byte[63]));
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
    Set<Integer> known = Set.of(0x01, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x20, 0x21, 0x22,
        0x23, 0x24, 0x25, 0x26, 0x27, 0x28);
    for (int type = 0; type < 256; type++) {
      if (!known.contains(type)) {
        assertMalformed(String.format("%02x", type));
        assertMalformed(String.format("%02x0000", type));
      }
    }
  }

  @Test
  void fieldThatRunsPastTheEndIsMalformed() {
    assertMalformed("10");             // JOIN without its str
    assertMalformed("1000");           // half a u16 length
    assertMalformed("100005616c6963"); // str of 5 with 4 bytes
    assertMalformed("14010203");       // PING with half a u64
    assertMalformed("01" + "00".repeat(63)); // SERVER_AUTH with 63 bytes of signature
    assertMalformed("200001610000000000000000000000000003000161" + "07".repeat(32));
                                       // WELCOME listing 3 members, holding 1
    assertMalformed("200001610000000000000000000000000001000161" + "07".repeat(31));
                                       // WELCOME whose only member's key is cut off
    assertMalformed("2000016100000000000000000000"); // WELCOME with half its burst
    assertMalformed("220000000000000001000162" + "07".repeat(31)); // JOINED, key cut off
    assertMalformed("15");             // BYE without its message
    assertMalformed("16" + "00".repeat(95)); // CLIENT_AUTH one byte short
    assertMalformed("25ffff");         // ROSTER of 65,535 users in 0 bytes
    assertMalformed("2700");           // ERROR with half a code
    assertMalformed("120001610001");   // DM whose text is cut off
  }

  @Test
  void bytesLeftAfterTheLastFieldAreMalformed() {
    assertMalformed("1300");
    assertMalformed("15000000");
    assertMalformed("16" + "00".repeat(97));
    assertMalformed("10000161ff");
    assertMalformed("01" + "00".repeat(65));
    assertMalformed("1401020304050607080900");
    assertMalformed("2500000000");
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
      assertMalformed("11" + len + utf8);                       // SAY
      assertMalformed("12" + len + utf8 + "0000");              // DM to
      assertMalformed("250001" + len + utf8);                   // ROSTER entry
    }
  }

  @Test
  void validUtf8OfEveryLengthDecodes() throws Exception {
    String text = "a\u00e9\u4e2d\ud83d\ude00".translateEscapes();
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(10, utf8.length);
    byte[] wire = MessageCodec.encode(new ClientMessage.Say(text));
    assertEquals(new ClientMessage.Say(text), MessageCodec.decode(wire));
    assertFalse(((ClientMessage.Say) MessageCodec.decode(wire)).text().contains("\uFFFD".translateEscapes()));
  }

  // --- random bytes only ever raise ProtocolException ---

  @Test
  void randomBytesOnlyEverRaiseProtocolException() {
    long seed = SEED + 1;
    System.out.println("MessageCodecTest fuzz seed " + seed);
    Random random = new Random(seed);
    int accepted = 0;
    int[] types = {0x01, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
        0x26, 0x27, 0x28};
    for (int i = 0; i < 10_000; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
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
