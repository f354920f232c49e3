package dev.lanchat.common.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {
  @Test
  void asciiAndOtherTextEncodeToTheirUtf8() {
    for (String text : new String[] {"", "alice", "#general", "héllo", "日本", "a😀b", "\u0000"}) {
      assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), StrictUtf8.encode(text), text);
    }
  }

  @Test
  void unpairedSurrogateIsRefusedWhenEncoding() {
    assertThrows(IllegalArgumentException.class, () -> StrictUtf8.encode("a\uD800"));
    assertThrows(IllegalArgumentException.class, () -> StrictUtf8.encode("\uDC00b"));
  }

  @Test
  void decodeReadsOnlyTheGivenRange() {
    byte[] data = "xxalicexx".getBytes(StandardCharsets.US_ASCII);
    assertEquals(Optional.of("alice"), StrictUtf8.decode(data, 2, 5));
    byte[] mixed = "-héllo-".getBytes(StandardCharsets.UTF_8);
    assertEquals(Optional.of("héllo"), StrictUtf8.decode(mixed, 1, mixed.length - 2));
  }

  @Test
  void malformedOverlongAndSurrogateBytesAreRefusedNeverReplaced() {
    byte[][] bad = {
        {(byte) 0x80}, // a continuation byte alone
        {'a', (byte) 0xC3}, // cut short
        {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
        {(byte) 0xFF},
    };
    for (byte[] b : bad) {
      assertEquals(Optional.empty(), StrictUtf8.decode(b, 0, b.length));
    }
  }

  @Test
  void everyRandomByteStringDecodesAsTheStrictJdkDecoderDoes() {
    long seed = new Random().nextLong();
    System.out.println("StrictUtf8Test seed " + seed);
    Random random = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(8)];
      for (int j = 0; j < b.length; j++) {
        // mostly ASCII, sometimes any byte: both ways are taken
        b[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(128));
      }
      Optional<String> expected;
      try {
        expected = Optional.of(StandardCharsets.UTF_8.newDecoder()
            .decode(java.nio.ByteBuffer.wrap(b)).toString());
      } catch (java.nio.charset.CharacterCodingException e) {
        expected = Optional.empty();
      }
      assertEquals(expected, StrictUtf8.decode(b, 0, b.length), "seed " + seed);
      expected.ifPresent(s -> assertArrayEquals(b, StrictUtf8.encode(s), "seed " + seed));
    }
  }
}
