package dev.lanchat.common.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.pake.JoinCodeWords;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The /verify words: six words of the fixed list, one line, and a change anywhere shows. */
class VerifyCodeTest {
  private static ChainHead head(String room, long id, int fill) {
    byte[] h = new byte[32];
    Arrays.fill(h, (byte) fill);
    return new ChainHead(room, id, ByteString.copyOf(h));
  }

  @Test
  void aCodeIsSixWordsOfTheWordlistInOneLine() {
    long started = System.nanoTime();
    VerifyCode code = VerifyCode.of(head("#dev", 1234, 0x42));
    System.out.printf("VerifyCode.of took %d ms%n", (System.nanoTime() - started) / 1_000_000);
    assertEquals(VerifyCode.WORDS, code.words().size());
    assertTrue(JoinCodeWords.all().containsAll(code.words()), code.line());
    assertEquals("#dev at event 1234: " + String.join(" ", code.words()), code.line());
    assertTrue(code.line().matches("#dev at event 1234:( [a-z]{3,10}){6}"), code.line());
  }

  @Test
  void theSameHeadGivesTheSameCode() {
    assertEquals(VerifyCode.of(head("#dev", 7, 1)).words(),
        VerifyCode.of(head("#dev", 7, 1)).words());
  }

  @Test
  void anotherHeadIdOrRoomGivesAnotherCode() {
    VerifyCode base = VerifyCode.of(head("#dev", 7, 1));
    assertNotEquals(base.words(), VerifyCode.of(head("#dev", 7, 2)).words());
    assertNotEquals(base.words(), VerifyCode.of(head("#dev", 8, 1)).words());
    assertNotEquals(base.words(), VerifyCode.of(head("#ops", 7, 1)).words());
  }
}
