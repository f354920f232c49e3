package dev.lanchat.bench;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM records the way chat-common frames them ({@code nonce = 0x00000000 ‖ u64(seq)},
 * 16-byte tag), done once through the JDK's {@code Cipher} and once through BouncyCastle's
 * lightweight {@code GCMModeCipher}, so both sides of the comparison seal the same bytes.
 */
final class Gcm {
  static final int TAG_BITS = 128;
  static final int NONCE_SIZE = 12;

  private Gcm() {}

  /** Writes {@code 0x00000000 ‖ u64(seq)} into {@code nonce}. */
  static byte[] counterNonce(long seq, byte[] nonce) {
    for (int i = 0; i < 4; i++) {
      nonce[i] = 0;
    }
    long s = seq;
    for (int i = NONCE_SIZE - 1; i >= 4; i--) {
      nonce[i] = (byte) s;
      s >>>= 8;
    }
    return nonce;
  }

  /** A fresh {@code AES/GCM/NoPadding} cipher from the JDK's providers. */
  static Cipher jdkCipher() throws GeneralSecurityException {
    return Cipher.getInstance("AES/GCM/NoPadding");
  }

  /** Seals with the JDK cipher, exactly as CipherState does (one init per record). */
  static byte[] jdkSeal(Cipher cipher, SecretKeySpec key, byte[] nonce, byte[] plaintext)
      throws GeneralSecurityException {
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    return cipher.doFinal(plaintext);
  }

  /** Opens with the JDK cipher. */
  static byte[] jdkOpen(Cipher cipher, SecretKeySpec key, byte[] nonce, byte[] record)
      throws GeneralSecurityException {
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    return cipher.doFinal(record);
  }

  /** One direction of BouncyCastle's lightweight AES-GCM, keyed once and re-nonced per record. */
  static final class BcDirection {
    private final GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
    private final boolean forEncryption;
    private KeyParameter pendingKey;

    BcDirection(boolean forEncryption, byte[] key) {
      this.forEncryption = forEncryption;
      this.pendingKey = new KeyParameter(key);
    }

    /** Seals or opens one record under {@code nonce}. */
    byte[] process(byte[] nonce, byte[] input) throws InvalidCipherTextException {
      // A null key after the first init keeps BouncyCastle's key schedule and GHASH tables,
      // which is the fastest way to use it and so the fairest comparison.
      cipher.init(forEncryption, new AEADParameters(pendingKey, TAG_BITS, nonce));
      pendingKey = null;
      byte[] output = new byte[cipher.getOutputSize(input.length)];
      int n = cipher.processBytes(input, 0, input.length, output, 0);
      cipher.doFinal(output, n);
      return output;
    }
  }
}
