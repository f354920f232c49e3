package dev.lanchat.common.crypto;

import dev.lanchat.common.storage.BadFileException;
import dev.lanchat.common.storage.FileAccess;
import dev.lanchat.common.storage.SecureFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A long-term Ed25519 identity, a server's (protocol §6.1) or a client's, kept as a PKCS#8 PEM
 * file that {@code openssl pkey} reads, created owner-only on first use. A file that cannot be
 * read or parsed is an error, never replaced.
 *
 * <p>Immutable and thread-safe.
 */
public final class Identity {
  private static final String PEM_TYPE = "PRIVATE KEY";
  /** id-Ed25519, RFC 8410 §3. */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private final byte[] seed;
  private final byte[] publicKey;

  private Identity(byte[] seed) {
    this.seed = seed;
    this.publicKey = Ed25519.publicKey(seed);
  }

  /** A new random identity. */
  public static Identity generate(SecureRandom random) {
    byte[] seed = new byte[Ed25519.KEY_SIZE];
    random.nextBytes(seed);
    return new Identity(seed);
  }

  /** An identity from a 32-byte private seed (test vectors). The seed is copied. */
  public static Identity fromSeed(byte[] seed) {
    if (seed.length != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
    }
    return new Identity(seed.clone());
  }

  /**
   * Loads the identity in {@code file}, or creates it (0600, atomically) when there is no file.
   *
   * @throws BadFileException if the file exists but cannot be read or parsed
   * @throws IOException if a new file cannot be written
   */
  public static Identity loadOrCreate(Path file, SecureRandom random) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Identity created = generate(random);
      try {
        SecureFiles.createNew(file, created.toPem().getBytes(StandardCharsets.US_ASCII));
        return created;
      } catch (FileAlreadyExistsException e) {
        // another process created it first: use theirs
      }
    }
    return load(file);
  }

  /**
   * Loads the identity in {@code file}.
   *
   * @throws BadFileException if the file is missing, unreadable, owned by another user, open to
   *     group or others (it must be 0600, as OpenSSH requires) or not an Ed25519 PKCS#8 key
   */
  public static Identity load(Path file) throws BadFileException {
    String text;
    try {
      FileAccess.forCurrentUser().requirePrivate(file);
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new BadFileException(file, "no such identity file");
    } catch (BadFileException e) {
      throw e;
    } catch (IOException e) {
      throw new BadFileException(file, "cannot read the identity file (" + e.getClass().getSimpleName() + ")", e);
    }
    try {
      return fromPem(text);
    } catch (IllegalArgumentException e) {
      throw new BadFileException(file, "not a PKCS#8 PEM Ed25519 private key: " + e.getMessage());
    }
  }

  /**
   * Parses a PKCS#8 PEM Ed25519 private key.
   *
   * @throws IllegalArgumentException if the text is not one
   */
  public static Identity fromPem(String pem) {
    PemObject object;
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      object = reader.readPemObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the PEM armour is damaged");
    }
    if (object == null || !PEM_TYPE.equals(object.getType())) {
      throw new IllegalArgumentException("expected a \"-----BEGIN " + PEM_TYPE + "-----\" block");
    }
    AsymmetricKeyParameter key;
    try {
      key = PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(object.getContent()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the key inside is damaged or of an unknown type");
    }
    if (!(key instanceof Ed25519PrivateKeyParameters ed)) {
      throw new IllegalArgumentException("the key is not an Ed25519 key");
    }
    return new Identity(ed.getEncoded());
  }

  /** This identity as PKCS#8 PEM text. */
  public String toPem() {
    try {
      // RFC 8410 §7 version-1 form, the one `openssl genpkey` writes: BouncyCastle's factory
      // writes a version-2 key with the public key attached, which OpenSSL 3.0 refuses to load.
      PrivateKeyInfo info = new PrivateKeyInfo(
          new AlgorithmIdentifier(ID_ED25519), new DEROctetString(seed));
      StringWriter out = new StringWriter();
      try (PemWriter writer = new PemWriter(out)) {
        writer.writeObject(new PemObject(PEM_TYPE, info.getEncoded()));
      }
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode an Ed25519 key", e);
    }
  }

  /** The 32-byte raw public key {@code Si} (a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The fingerprint of the public key. */
  public String fingerprint() {
    return Fingerprint.of(publicKey);
  }

  /** Ed25519-Sign(identity private key, message). */
  public byte[] sign(byte[] message) {
    return Ed25519.sign(seed, publicKey, message);
  }

  @Override
  public String toString() {
    return "Identity[" + fingerprint() + "]";
  }
}
