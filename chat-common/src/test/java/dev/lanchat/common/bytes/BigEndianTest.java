package dev.lanchat.common.bytes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ByteWriter} and {@link ByteReader}: network byte order, checked ranges. */
class BigEndianTest {

  @Test
  void integersAreWrittenMostSignificantByteFirst() {
    byte[] out = new ByteWriter(0).u8(0x01).u16(0x0203).u32(0x0405_0607L)
        .u64(0x0809_0A0B_0C0D_0E0FL).bytes(new byte[] {0x10}).zeros(2).toByteArray();
    assertEquals("0102030405060708090a0b0c0d0e0f100000", HexFormat.of().formatHex(out));
  }

  @Test
  void whatIsWrittenReadsBack() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int i = 0; i < 500; i++) {
      int a = random.nextInt(256);
      int b = random.nextInt(65_536);
      long c = random.nextLong() >>> 32;
      long d = random.nextLong();
      byte[] e = new byte[random.nextInt(20)];
      random.nextBytes(e);
      byte[] wire = new ByteWriter(1).u8(a).u16(b).u32(c).u64(d).bytes(e).toByteArray();
      ByteReader r = ByteReader.of(wire);
      assertEquals(a, r.u8(), "seed " + seed);
      assertEquals(b, r.u16(), "seed " + seed);
      assertEquals(c, r.u32(), "seed " + seed);
      assertEquals(d, r.u64(), "seed " + seed);
      assertArrayEquals(e, r.bytes(e.length), "seed " + seed);
      assertEquals(0, r.remaining(), "seed " + seed);
      assertEquals(wire.length, r.position(), "seed " + seed);
    }
  }

  @Test
  void anArrayHandedOutNeverChangesWhenTheWriterGoesOn() {
    ByteWriter writer = new ByteWriter(2).u16(0x0102);
    byte[] first = writer.toByteArray();
    writer.u16(0x0304);
    byte[] second = writer.toByteArray();
    assertArrayEquals(new byte[] {1, 2}, first);
    assertArrayEquals(new byte[] {1, 2, 3, 4}, second);
  }

  @Test
  void valuesOutOfTheirFieldAreRefusedNotCut() {
    assertThrows(IllegalArgumentException.class, () -> new ByteWriter(4).u8(256));
    assertThrows(IllegalArgumentException.class, () -> new ByteWriter(4).u8(-1));
    assertThrows(IllegalArgumentException.class, () -> new ByteWriter(4).u16(65_536));
    assertThrows(IllegalArgumentException.class, () -> new ByteWriter(4).u32(1L << 32));
    assertThrows(IllegalArgumentException.class, () -> new ByteWriter(4).u32(-1));
  }

  @Test
  void readingPastTheEndIsACallersMistakeAndMovesNothing() {
    ByteReader r = ByteReader.of(new byte[] {9, 1, 2, 3}, 1, 3);
    assertThrows(IllegalStateException.class, r::u32);
    assertEquals(0, r.position());
    assertEquals(0x0102, r.u16());
    assertThrows(IllegalStateException.class, r::u16);
    assertEquals(3, r.u8());
    assertThrows(IllegalStateException.class, () -> r.bytes(1));
    assertThrows(IllegalStateException.class, () -> r.skip(1));
  }

  @Test
  void aSkipMovesPastItsBytesUnread() {
    ByteReader r = ByteReader.of(new byte[] {9, 1, 2, 3});
    r.skip(2);
    assertEquals(2, r.position());
    assertEquals(0x0203, r.u16());
  }

  @Test
  void aRangeOutsideTheArrayIsRefused() {
    assertThrows(IndexOutOfBoundsException.class, () -> ByteReader.of(new byte[4], 2, 3));
  }

  @Test
  void aRangeReadInPlaceSeesOnlyItsOwnBytesAndMovesOnPastThem() {
    ByteReader r = ByteReader.of(new byte[] {9, 1, 2, 3, 4}, 1, 4);
    r.u8();
    assertEquals(ByteString.copyOf(new byte[] {2, 3}), r.read(2, ByteString::copyOf));
    assertEquals(1, r.remaining());
    assertThrows(IllegalStateException.class, () -> r.read(2, ByteString::copyOf));
    assertEquals(1, r.remaining());
  }
}
