package dev.lanchat.common.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The bounded memory of recent heads: it forgets the oldest first and never mixes two ids. */
class RecentHeadsTest {
  private static ByteString headOf(long id) {
    byte[] h = new byte[32];
    for (int i = 0; i < 8; i++) {
      h[i] = (byte) (id >>> (8 * i));
    }
    h[31] = (byte) 0xA5;
    return ByteString.copyOf(h);
  }

  @Test
  void keepsExactlyTheLastCapIdsAcrossGrowthAndWrapping() {
    long seed = 0x18C4A1L; // fixed, printed: a failure replays
    System.out.println("RecentHeadsTest seed " + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 50; round++) {
      int cap = 1 + random.nextInt(100);
      RecentHeads heads = new RecentHeads(cap);
      TreeMap<Long, ByteString> model = new TreeMap<>();
      long id = random.nextInt(5);
      for (int n = random.nextInt(400); n > 0; n--) {
        id += 1 + (random.nextInt(4) == 0 ? random.nextInt(50) : 0); // gaps now and then
        heads.put(id, headOf(id));
        model.put(id, headOf(id));
        if (model.size() > cap) {
          model.pollFirstEntry();
        }
        long probe = Math.max(0, id - random.nextInt(cap + 60));
        assertEquals(Optional.ofNullable(model.get(probe)), heads.get(probe),
            "seed " + seed + ", cap " + cap + ", id " + probe);
      }
      assertEquals(model.isEmpty() ? Optional.empty() : Optional.of(model.firstKey()),
          heads.oldest(), "seed " + seed);
    }
  }

  @Test
  void idsMustIncrease() {
    RecentHeads heads = new RecentHeads(4);
    heads.put(5, headOf(5));
    assertThrows(IllegalArgumentException.class, () -> heads.put(5, headOf(5)));
    assertThrows(IllegalArgumentException.class, () -> heads.put(4, headOf(4)));
    assertTrue(heads.get(4).isEmpty());
  }
}
