package dev.lanchat.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Hkdf;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.HandshakeResult;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.handshake.ServerKeyVerifier;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * A speed comparison only means something when both sides compute the same result: each JDK or
 * BouncyCastle path the benchmarks use is checked here against chat-common. No timing is
 * asserted.
 */
class ComparisonsComputeTheSameThingTest {
  private static final long SEED = 20261125L;
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void jdkAndBouncyCastleGcmSealTheSameRecordsAsCipherState() throws Exception {
    System.out.println("seed " + SEED);
    Random random = new Random(SEED);
    byte[] key = new byte[32];
    random.nextBytes(key);
    CipherState state = CipherState.of(key);
    CipherState opener = CipherState.of(key);
    Cipher jdk = Gcm.jdkCipher();
    Gcm.BcDirection bcSealer = new Gcm.BcDirection(true, key);
    Gcm.BcDirection bcOpener = new Gcm.BcDirection(false, key);
    SecretKeySpec spec = new SecretKeySpec(key, "AES");
    byte[] nonce = new byte[Gcm.NONCE_SIZE];
    for (int seq = 0; seq < 3; seq++) {
      byte[] plaintext = new byte[new int[] {64, 1024, 16384}[seq]];
      random.nextBytes(plaintext);
      byte[] expected = state.seal(plaintext);
      Gcm.counterNonce(seq, nonce);
      assertArrayEquals(expected, Gcm.jdkSeal(jdk, spec, nonce, plaintext));
      assertArrayEquals(expected, bcSealer.process(nonce, plaintext));
      assertArrayEquals(plaintext, bcOpener.process(nonce, expected));
      assertArrayEquals(plaintext, Gcm.jdkOpen(jdk, spec, nonce, expected));
      assertArrayEquals(plaintext, opener.open(expected));
    }
  }

  @Test
  void macHkdfMatchesRfc5869TestCase1AndCommonHkdf() throws Exception {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    MacHkdf mac = new MacHkdf();
    byte[] prk = mac.extract(salt, ikm);
    assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        HEX.formatHex(prk));
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        + "34007208d5b887185865", HEX.formatHex(mac.expand(prk, info, 42)));
    assertArrayEquals(Hkdf.extract(salt, ikm), prk);
    assertArrayEquals(Hkdf.expand(prk, info, 64), mac.expand(prk, info, 64));
    assertArrayEquals(Hkdf.extract(new byte[0], ikm), mac.extract(new byte[0], ikm));
  }

  @Test
  void jdkXdhAgreesOnTheSameSecretAsCommonX25519() throws Exception {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 5; i++) {
      byte[] own = new byte[32];
      org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(random, own);
      X25519.KeyPair peer = X25519.generate(random);
      KeyAgreement jdk = KeyAgreement.getInstance("XDH");
      jdk.init(JdkKeys.x25519Private(own));
      jdk.doPhase(JdkKeys.x25519Public(peer.publicKey()), true);
      assertArrayEquals(X25519.agree(own, peer.publicKey()), jdk.generateSecret());
    }
  }

  @Test
  void jdkAndBouncyCastleSignaturesEqualCommonEd25519() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    byte[] publicKey = Ed25519.publicKey(seed);
    byte[] message = "lanchat v2 server auth and a transcript hash".getBytes();
    byte[] expected = Ed25519.sign(seed, message);

    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(JdkKeys.ed25519Private(seed));
    jdk.update(message);
    assertArrayEquals(expected, jdk.sign());

    byte[] withPublicKey = new byte[Ed25519.SIGNATURE_SIZE];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
        seed, 0, publicKey, 0, message, 0, message.length, withPublicKey, 0);
    assertArrayEquals(expected, withPublicKey);

    jdk.initVerify(JdkKeys.ed25519Public(publicKey));
    jdk.update(message);
    assertTrue(jdk.verify(expected));
  }

  @Test
  void inMemoryDuplexCarriesAHandshakeAndARecord() throws Exception {
    SecureRandom random = new SecureRandom();
    Identity identity = Identity.generate(random);
    Identity clientIdentity = Identity.generate(random);
    InMemoryDuplex link = new InMemoryDuplex();
    ExecutorService serverThread = Executors.newSingleThreadExecutor();
    try {
      Future<MessageChannel> server = serverThread.submit(() -> {
        FrameReader reader = new FrameReader(link.serverIn());
        FrameWriter writer = new FrameWriter(link.serverOut());
        return new MessageChannel(
            ServerHandshake.run(reader, writer, identity, random).channel(reader, writer));
      });
      byte[][] serverKey = new byte[1][];
      MessageChannel client = CompletableFuture.supplyAsync(() -> {
        try {
          FrameReader reader = new FrameReader(link.clientIn());
          FrameWriter writer = new FrameWriter(link.clientOut());
          HandshakeResult result =
              ClientHandshake.run(reader, writer, clientIdentity, random,
                  ServerKeyVerifier.TRUST_ANY);
          serverKey[0] = result.peerKey().orElseThrow().toByteArray();
          return new MessageChannel(result.channel(reader, writer));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).get(10, TimeUnit.SECONDS);
      MessageChannel serverSide = server.get(10, TimeUnit.SECONDS);
      assertArrayEquals(identity.publicKey(), serverKey[0]);
      // the client's record 0 is CLIENT_AUTH
      assertEquals(ClientMessage.ClientAuth.TYPE,
          serverThread.submit(serverSide::receiveFromClient).get(10, TimeUnit.SECONDS).type());
      client.send(new ClientMessage.Say(1, PlainWire.ROOM, CodecBenchmark.TYPICAL_LINE));
      assertEquals(new ClientMessage.Say(1, PlainWire.ROOM, CodecBenchmark.TYPICAL_LINE),
          serverThread.submit(serverSide::receiveFromClient).get(10, TimeUnit.SECONDS));
    } finally {
      serverThread.shutdownNow();
    }
  }

  @Test
  void recordsSealedInPlaceAreTheBytesOfRecordsSealedThenCopied() throws Exception {
    RecordWriteComparison comparison = new RecordWriteComparison(3, 500);
    ByteArrayOutputStream inPlace = new ByteArrayOutputStream();
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    SecureChannel channel = comparison.channel(new FrameWriter(inPlace));
    CipherState sealer = comparison.sealer();
    FrameWriter writer = new FrameWriter(copied);
    for (int i = 0; i < 2; i++) {
      channel.send(comparison.plaintexts());
      writer.writeFrames(comparison.sealedThenCopied(sealer));
    }
    assertEquals(2 * 3 * (4 + 500 + 16), inPlace.size());
    assertArrayEquals(copied.toByteArray(), inPlace.toByteArray());
  }
}
