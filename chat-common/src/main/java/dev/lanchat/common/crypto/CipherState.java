package dev.lanchat.common.crypto;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of a secure channel: AES-256-GCM under one key with a counter nonce (protocol
 * §3). The sender seals record {@code seq} with {@code nonce = 0x00000000 ‖ u64(seq)}; the
 * receiver opens with the {@code seq} it expects, so a replayed, dropped, reordered or reflected
 * record fails.
 *
 * <p>Not thread-safe: one sender or one receiver at a time. Uses the JDK's {@code
 * AES/GCM/NoPadding}, which runs on AES-NI and CLMUL intrinsics (see docs/crypto-choices.md).
 */
public final class CipherState {
  /** A key is never used for more records than this (protocol §3). */
  public static final long MAX_RECORDS = 1L << 32;

  /** A key is never used for more plaintext bytes than this (protocol §3). */
  public static final long MAX_BYTES = 1L << 36;

  /** Size of the GCM tag appended to each record. */
  public static final int TAG_SIZE = 16;

  /** Largest plaintext of one record: the frame limit minus the tag. */
  public static final int MAX_PLAINTEXT = 65_520;

  private static final int NONCE_SIZE = 12;

  private static final byte[] NO_AAD = new byte[0];

  private final RecordKey key;
  private final Cipher cipher;
  private final byte[] nonce = new byte[NONCE_SIZE];
  private long seq;
  private long bytes;
  // set by next(): this key is done, and nothing is sealed or opened under it again
  private boolean retired;

  private CipherState(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("an AES-256 key is 32 bytes, not " + key.length);
    }
    this.key = new RecordKey(key);
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
    }
  }

  /** A cipher state for one direction, starting at {@code seq = 0}. The key is copied. */
  public static CipherState of(byte[] key) {
    return new CipherState(key);
  }

  /** The sequence number the next record will use. */
  public long seq() {
    return seq;
  }

  /**
   * Moves this direction to its next key (protocol "Key update"): returns the state for {@code
   * k' = HKDF-Expand(k, "lanchat v2 key update", 32)} at {@code seq = 0} and retires this one,
   * so that no record is sealed or opened under {@code k} after the switch.
   *
   * @throws IllegalStateException if this state was already retired
   */
  public CipherState next() {
    checkLive();
    byte[] current = key.getEncoded();
    byte[] following = KeyUpdate.nextKey(current);
    try {
      return new CipherState(following);
    } finally {
      retired = true;
      key.destroy(); // k is gone once k' exists: nothing can seal or open under it again
      Bytes.wipe(current);
      Bytes.wipe(following); // the new state holds its own copy
    }
  }

  /** For tests: true once a key update wiped this state's key bytes. */
  boolean keyWiped() {
    return key.isDestroyed();
  }

  private void checkLive() {
    if (retired) {
      throw new IllegalStateException("this key was replaced by a key update");
    }
  }

  /** Test hook: pretend {@code records} records and {@code plaintextBytes} bytes went by. */
  void skipForTest(long records, long plaintextBytes) {
    this.seq = records;
    this.bytes = plaintextBytes;
  }

  /**
   * Seals the next record: {@code ciphertext ‖ tag}.
   *
   * @throws IllegalArgumentException if the plaintext is longer than {@link #MAX_PLAINTEXT}
   * @throws KeyLimitException if this key has reached its record or byte limit
   * @throws IllegalStateException if a key update retired this state
   */
  public byte[] seal(byte[] plaintext) throws KeyLimitException {
    byte[] record = new byte[recordSize(plaintext)];
    seal(plaintext, record, 0);
    return record;
  }

  /**
   * Seals the next record into {@code out} from {@code offset}: {@code ciphertext ‖ tag}, {@link
   * #recordSize} bytes, so a caller that lays out frames can have the record written in place.
   *
   * @return the bytes written, {@code plaintext.length + TAG_SIZE}
   * @throws IllegalArgumentException if the plaintext is longer than {@link #MAX_PLAINTEXT}
   * @throws IndexOutOfBoundsException if the record does not fit in {@code out} at {@code offset}
   * @throws KeyLimitException if this key has reached its record or byte limit
   * @throws IllegalStateException if a key update retired this state
   */
  public int seal(byte[] plaintext, byte[] out, int offset) throws KeyLimitException {
    checkLive();
    int size = recordSize(plaintext);
    Objects.checkFromIndexSize(offset, size, out.length);
    if (seq >= MAX_RECORDS || bytes + plaintext.length > MAX_BYTES) {
      throw new KeyLimitException("this key has reached its limit of records or bytes");
    }
    try {
      int written = sealInto(cipher, key, nonce(), NO_AAD, plaintext, out, offset);
      seq++;
      bytes += plaintext.length;
      return written;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM refused to seal", e);
    }
  }

  /**
   * The size of the record that seals {@code plaintext}: its length plus the tag.
   *
   * @throws IllegalArgumentException if the plaintext is longer than {@link #MAX_PLAINTEXT}
   */
  public static int recordSize(byte[] plaintext) {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "a record carries at most " + MAX_PLAINTEXT + " bytes, not " + plaintext.length);
    }
    return plaintext.length + TAG_SIZE;
  }

  /**
   * Opens the next record under the expected {@code seq}. A record that fails is never returned
   * and does not advance {@code seq}.
   *
   * @throws ProtocolException with {@link Reason#BAD_RECORD} if the record does not open, or
   *     {@link Reason#KEY_LIMIT} if the peer went past the key's limits
   * @throws IllegalStateException if a key update retired this state
   */
  public byte[] open(byte[] record) throws ProtocolException {
    checkLive();
    if (record.length < TAG_SIZE) {
      throw new ProtocolException(Reason.BAD_RECORD, "a record is shorter than its tag");
    }
    long plaintextLength = record.length - TAG_SIZE;
    if (seq >= MAX_RECORDS || bytes + plaintextLength > MAX_BYTES) {
      throw new ProtocolException(Reason.KEY_LIMIT, "the peer used a key past its limit");
    }
    try {
      byte[] plaintext = openWith(cipher, key, nonce(), NO_AAD, record);
      seq++;
      bytes += plaintext.length;
      return plaintext;
    } catch (AEADBadTagException e) {
      throw new ProtocolException(Reason.BAD_RECORD,
          "record " + seq + " did not open (tampered, replayed, dropped, reordered or wrong key)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM refused to open", e);
    }
  }

  /**
   * Test vectors: AES-256-GCM with an explicit 12-byte nonce and aad, through the same {@link
   * #sealInto} step that {@link #seal} uses (records themselves always use the counter nonce and
   * an empty aad).
   */
  static byte[] sealWithNonce(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
      throws GeneralSecurityException {
    byte[] record = new byte[plaintext.length + TAG_SIZE];
    sealInto(explicitCipher(key, nonce), new SecretKeySpec(key, "AES"), nonce, aad, plaintext,
        record, 0);
    return record;
  }

  /**
   * Test vectors: the counterpart of {@link #sealWithNonce}, through the same {@link #openWith}
   * step that {@link #open} uses.
   *
   * @throws AEADBadTagException if the record does not open; no plaintext is released
   */
  static byte[] openWithNonce(byte[] key, byte[] nonce, byte[] aad, byte[] record)
      throws GeneralSecurityException {
    return openWith(explicitCipher(key, nonce), new SecretKeySpec(key, "AES"), nonce, aad, record);
  }

  private static Cipher explicitCipher(byte[] key, byte[] nonce) throws GeneralSecurityException {
    if (key.length != 32 || nonce.length != NONCE_SIZE) {
      throw new IllegalArgumentException("records use a 32-byte key and a 12-byte nonce");
    }
    return Cipher.getInstance("AES/GCM/NoPadding");
  }

  /** AES-GCM sealing with a 128-bit tag, {@code ciphertext ‖ tag} written into {@code out}. */
  private static int sealInto(Cipher cipher, SecretKey key, byte[] nonce, byte[] aad,
      byte[] plaintext, byte[] out, int offset) throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, nonce));
    if (aad.length > 0) {
      cipher.updateAAD(aad);
    }
    return cipher.doFinal(plaintext, 0, plaintext.length, out, offset);
  }

  /** AES-GCM opening with a 128-bit tag; the JDK releases no plaintext unless the tag verifies. */
  private static byte[] openWith(Cipher cipher, SecretKey key, byte[] nonce, byte[] aad,
      byte[] record) throws GeneralSecurityException {
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, nonce));
    if (aad.length > 0) {
      cipher.updateAAD(aad);
    }
    return cipher.doFinal(record);
  }

  /** Builds {@code 0x00000000 ‖ u64(seq)}. */
  private byte[] nonce() {
    Arrays.fill(nonce, 0, 4, (byte) 0);
    long s = seq;
    for (int i = NONCE_SIZE - 1; i >= 4; i--) {
      nonce[i] = (byte) s;
      s >>>= 8;
    }
    return nonce;
  }

  /**
   * A record key whose bytes can be wiped. A {@link SecretKeySpec} keeps a private copy that
   * nothing can clear, so a key replaced by a key update would stay readable in memory until the
   * collector reuses it; this one hands the cipher a fresh copy on each use (which the JDK's
   * AES-GCM clears after expanding it) and zeroes its own bytes on {@link #destroy}.
   */
  private static final class RecordKey implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private volatile boolean destroyed;

    RecordKey(byte[] key) {
      this.bytes = key.clone();
    }

    @Override
    public String getAlgorithm() {
      return "AES";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      if (destroyed) {
        throw new IllegalStateException("this key was wiped");
      }
      return bytes.clone();
    }

    @Override
    public void destroy() {
      destroyed = true;
      Bytes.wipe(bytes);
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }
  }
}
