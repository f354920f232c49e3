package dev.lanchat.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanchat.common.storage.BadFileException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server identity of protocol §6: PKCS#8 PEM, owner-only, never silently replaced. */
class IdentityTest {
  @TempDir
  Path dir;

  private static final byte[] RFC8032_TEST1_SEED = TestVectors.hex(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  /** A key file as a careful user leaves it: 0600, so only its content is under test. */
  private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Files.write(file, content);
    if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void createdIdentityFileIsOwnerOnlyAndLoadsBackTheSameKey() throws Exception {
    Path file = dir.resolve("sub").resolve("identity.pem");
    Identity created = Identity.loadOrCreate(file, new SecureRandom());
    assertTrue(Files.isRegularFile(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertArrayEquals(created.publicKey(), Identity.load(file).publicKey());
    assertArrayEquals(created.publicKey(),
        Identity.fromPem(Files.readString(file, StandardCharsets.US_ASCII)).publicKey());
    try (var listing = Files.list(file.getParent())) {
      assertEquals(1, listing.count(), "no temporary file is left behind");
    }
  }

  @Test
  void existingValidFileIsLoadedNotReplaced() throws Exception {
    Path file = dir.resolve("identity.pem");
    Identity known = Identity.fromSeed(RFC8032_TEST1_SEED);
    writeOwnerOnly(file, known.toPem().getBytes(StandardCharsets.US_ASCII));
    byte[] before = Files.readAllBytes(file);
    Identity loaded = Identity.loadOrCreate(file, new SecureRandom());
    assertArrayEquals(known.publicKey(), loaded.publicKey());
    assertArrayEquals(before, Files.readAllBytes(file));
    assertArrayEquals(known.sign(new byte[] {1}), loaded.sign(new byte[] {1}));
  }

  @Test
  void pemIsPkcs8ThatTheJdkReadsAsTheSameEd25519Key() throws Exception {
    Identity identity = Identity.fromSeed(RFC8032_TEST1_SEED);
    String pem = identity.toPem();
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    var key = KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(key);
    jdk.update("lanchat".getBytes(StandardCharsets.US_ASCII));
    // Ed25519 is deterministic: the JDK and our code sign alike only if they hold the same key
    assertArrayEquals(jdk.sign(), identity.sign("lanchat".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void pemIsTheVersion1FormOfRfc8410() {
    // 30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 ‖ seed: what `openssl genpkey` writes
    String expected = "-----BEGIN PRIVATE KEY-----\n"
        + "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
        + "-----END PRIVATE KEY-----\n";
    assertEquals(expected, Identity.fromSeed(RFC8032_TEST1_SEED).toPem().replace("\r\n", "\n"));
  }

  @Test
  void version2KeyWithItsPublicKeyAttachedStillLoads() {
    // what BouncyCastle's PrivateKeyInfoFactory writes (RFC 5958 OneAsymmetricKey, version 1)
    String v2 = "-----BEGIN PRIVATE KEY-----\n"
        + "MFECAQEwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
        + "gSEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
        + "-----END PRIVATE KEY-----\n";
    assertArrayEquals(Identity.fromSeed(RFC8032_TEST1_SEED).publicKey(),
        Identity.fromPem(v2).publicKey());
  }

  @Test
  void keyWrittenByOpensslLoads() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not on PATH");
    Path file = dir.resolve("openssl.pem");
    assertEquals(0, run("openssl", "genpkey", "-algorithm", "ed25519", "-out", file.toString()));
    Path der = dir.resolve("public.der");
    assertEquals(0, run("openssl", "pkey", "-in", file.toString(), "-pubout", "-outform", "DER",
        "-out", der.toString()));
    byte[] spki = Files.readAllBytes(der);
    assertArrayEquals(Arrays.copyOfRange(spki, spki.length - 32, spki.length),
        Identity.load(file).publicKey());
  }

  @Test
  void opensslAcceptsTheIdentityFile() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not on PATH");
    Path file = dir.resolve("identity.pem");
    Identity identity = Identity.loadOrCreate(file, new SecureRandom());
    assertEquals(0, run("openssl", "pkey", "-in", file.toString(), "-noout"));
    Path der = dir.resolve("public.der");
    assertEquals(0, run("openssl", "pkey", "-in", file.toString(), "-pubout", "-outform", "DER",
        "-out", der.toString()));
    byte[] spki = Files.readAllBytes(der);
    // SubjectPublicKeyInfo for Ed25519 ends with the 32-byte raw key
    assertArrayEquals(identity.publicKey(), Arrays.copyOfRange(spki, spki.length - 32, spki.length));
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl did not finish in 20 s");
    }
    return p.exitValue();
  }

  @Test
  void corruptFileIsAnErrorAndIsNotReplaced() throws Exception {
    byte[] x25519Pkcs8 = KeyPairGenerator.getInstance("X25519").generateKeyPair().getPrivate()
        .getEncoded();
    String goodPem = Identity.fromSeed(RFC8032_TEST1_SEED).toPem();
    String[] corrupt = {
        "",
        "not a key at all\n",
        goodPem.substring(0, goodPem.length() / 2),
        goodPem.replace("BEGIN PRIVATE KEY", "BEGIN PUBLIC KEY").replace("END PRIVATE KEY", "END PUBLIC KEY"),
        goodPem.replace("MC4CAQAw", "MC4CAQAx"),
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(x25519Pkcs8) + "\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
    };
    for (String text : corrupt) {
      assertFalse(text.equals(goodPem), "each case really is corrupt");
      Path file = dir.resolve("identity.pem");
      writeOwnerOnly(file, text.getBytes(StandardCharsets.US_ASCII));
      byte[] before = Files.readAllBytes(file);
      BadFileException e = assertThrows(BadFileException.class,
          () -> Identity.loadOrCreate(file, new SecureRandom()), text);
      assertEquals(file, e.file());
      assertArrayEquals(before, Files.readAllBytes(file), "the broken file is left as it was");
    }
  }

  @Test
  void binaryGarbageIsAnErrorAndIsNotReplaced() throws Exception {
    Path file = dir.resolve("identity.pem");
    byte[] garbage = {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, (byte) 0x80};
    writeOwnerOnly(file, garbage);
    assertThrows(BadFileException.class, () -> Identity.loadOrCreate(file, new SecureRandom()));
    assertArrayEquals(garbage, Files.readAllBytes(file));
  }

  @Test
  void missingFileIsAnErrorForLoad() {
    assertThrows(BadFileException.class, () -> Identity.load(dir.resolve("absent.pem")));
    assertFalse(Files.exists(dir.resolve("absent.pem")));
  }

  @Test
  void fingerprintIsSha256Base64OfTheRawPublicKey() throws Exception {
    Identity identity = Identity.fromSeed(RFC8032_TEST1_SEED);
    byte[] pk = TestVectors.hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    String expected = "SHA256:" + Base64.getEncoder().withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(pk));
    assertEquals(expected, identity.fingerprint());
    assertEquals(expected, Fingerprint.of(pk));
    assertEquals(50, expected.length());
    assertEquals(43, expected.length() - "SHA256:".length());
    assertFalse(expected.endsWith("="));
    assertTrue(Fingerprint.isWellFormed(expected));
    assertTrue(Fingerprint.matches(pk, expected));
    assertFalse(Fingerprint.matches(Identity.fromSeed(new byte[32]).publicKey(), expected));
  }

  @Test
  void malformedFingerprintsAreRecognised() {
    String good = Fingerprint.of(new byte[32]);
    assertTrue(Fingerprint.isWellFormed(good));
    assertFalse(Fingerprint.isWellFormed(null));
    assertFalse(Fingerprint.isWellFormed(good.substring(1)));
    assertFalse(Fingerprint.isWellFormed(good + "="));
    assertFalse(Fingerprint.isWellFormed("sha256:" + good.substring(7)));
    assertFalse(Fingerprint.isWellFormed("SHA256:" + "!".repeat(43)));
  }
}
