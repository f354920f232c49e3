package dev.lanchat.common.chain;

import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.pake.JoinCodeWords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The {@code /verify} code of a room: its head at an event id as six words from the fixed
 * join-code wordlist, which two people read to each other. The same code at the same event id
 * means the same history up to there.
 *
 * <p>The words are not the head's first six bytes but six bytes of scrypt (RFC 7914) over it.
 * 48 bits are few enough that a server showing two members different histories could otherwise
 * make their words match by trying about 2^24 variants of each history (a collision), a second
 * of SHA-256 on one core, and it would have to do so again at every later event, since every
 * event changes both heads. At some 50 ms per scrypt that becomes weeks of one core per event,
 * while an honest client pays once per {@code /verify}. See "Room chain" in docs/protocol.md.
 *
 * <p>Immutable.
 */
public final class VerifyCode {
  /** Words in a code: 6 × 8 = 48 bits. */
  public static final int WORDS = 6;

  /** scrypt cost parameter N (2^14: 16 MiB of memory with r = 8). */
  static final int SCRYPT_N = 1 << 14;

  /** scrypt block size r. */
  static final int SCRYPT_R = 8;

  /** scrypt parallelism p. */
  static final int SCRYPT_P = 1;

  private static final byte[] SALT_LABEL =
      "lanchat v2 verify words".getBytes(StandardCharsets.US_ASCII);

  private final ChainHead at;
  private final List<String> words;

  private VerifyCode(ChainHead at, List<String> words) {
    this.at = at;
    this.words = words;
  }

  /**
   * The code of {@code head}: {@code scrypt(P = head, S = "lanchat v2 verify words" ‖ room: str
   * ‖ id: u64, N = 2^14, r = 8, p = 1, dkLen = 6)}, each byte the index of one word.
   */
  public static VerifyCode of(ChainHead head) {
    byte[] name = head.room().getBytes(StandardCharsets.US_ASCII);
    byte[] salt = new ByteWriter(SALT_LABEL.length + 2 + name.length + 8)
        .bytes(SALT_LABEL).u16(name.length).bytes(name).u64(head.id()).toByteArray();
    byte[] password = head.head().toByteArray();
    byte[] indices = SCrypt.generate(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, WORDS);
    List<String> words = new ArrayList<>(WORDS);
    for (byte index : indices) {
      words.add(JoinCodeWords.word(index & 0xFF));
    }
    Bytes.wipe(password);
    return new VerifyCode(head, List.copyOf(words));
  }

  /** The head the code covers. */
  public ChainHead head() {
    return at;
  }

  /** The six words, in order. */
  public List<String> words() {
    return words;
  }

  /**
   * One greppable line, e.g. {@code #dev at event 1234: crater lantern fossil ivory nutmeg
   * tulip}.
   */
  public String line() {
    return at.room() + " at event " + at.id() + ": " + String.join(" ", words);
  }

  @Override
  public String toString() {
    return line();
  }
}
