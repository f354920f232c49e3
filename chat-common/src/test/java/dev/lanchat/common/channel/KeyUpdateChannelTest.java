package dev.lanchat.common.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.KeyUpdate;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Protocol "Key update" through {@link SecureChannel}, at low thresholds, in both directions:
 * what goes on the wire, that the peer follows, and that records under an old key, replayed
 * records and a dropped KEY_UPDATE all fail after the switch.
 */
class KeyUpdateChannelTest {
  private static final byte[] K_C2S = filled(0x5A);
  private static final byte[] K_S2C = filled(0xA5);

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  /** A clock that moves only when told. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-12-06T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static KeyUpdatePolicy everyRecords(long records) {
    return new KeyUpdatePolicy(records, Duration.ofDays(1), Clock.systemUTC());
  }

  private static SecureChannel client(InputStream in, OutputStream out, KeyUpdatePolicy policy) {
    return new SecureChannel(new FrameReader(in), new FrameWriter(out), CipherState.of(K_C2S),
        CipherState.of(K_S2C), KeyUpdates.client(policy));
  }

  private static SecureChannel server(InputStream in, OutputStream out, KeyUpdatePolicy policy) {
    return new SecureChannel(new FrameReader(in), new FrameWriter(out), CipherState.of(K_S2C),
        CipherState.of(K_C2S), KeyUpdates.server(policy));
  }

  private static SecureChannel serverReading(List<byte[]> records) throws IOException {
    return server(new ByteArrayInputStream(frames(records)), OutputStream.nullOutputStream(),
        everyRecords(1_000));
  }

  private static byte[] plaintext(int i) {
    return ("record " + i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] frames(List<byte[]> payloads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrames(payloads);
    return out.toByteArray();
  }

  private static List<byte[]> records(byte[] wire) throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(wire));
    List<byte[]> out = new ArrayList<>();
    while (true) {
      try {
        out.add(reader.readFrame());
      } catch (EOFException end) {
        return out;
      }
    }
  }

  /** AES-256-GCM with the counter nonce, straight from the JDK. */
  private static byte[] jdkSeal(byte[] key, long seq, byte[] plaintext) throws Exception {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (seq >>> (8 * i));
    }
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    return jdk.doFinal(plaintext);
  }

  /** The client's records 0..2 under k, KEY_UPDATE as record 3, then record 0 under k'. */
  private static List<byte[]> clientRecordsAcrossOneUpdate() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(3));
    for (int i = 0; i < 4; i++) {
      c.send(List.of(plaintext(i)));
    }
    List<byte[]> r = records(wire.toByteArray());
    assertEquals(5, r.size());
    return r;
  }

  private static void assertRefused(SecureChannel channel, Reason reason) {
    ProtocolException e = assertThrows(ProtocolException.class, channel::receive);
    assertEquals(reason, e.reason());
    assertThrows(IllegalStateException.class, channel::receive);
  }

  @Test
  void afterTheRecordThresholdTheSenderSendsKeyUpdateThenUsesTheNextKey() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(3));
    c.send(List.of(plaintext(0), plaintext(1)));
    for (int i = 2; i < 8; i++) {
      c.send(List.of(plaintext(i)));
    }
    // expected, built with the JDK alone: k seals 0,1,2 and KEY_UPDATE; k' seals 3,4,5 and
    // KEY_UPDATE; k'' seals 6,7
    byte[] k0 = K_C2S;
    byte[] k1 = KeyUpdate.nextKey(k0);
    byte[] k2 = KeyUpdate.nextKey(k1);
    byte[] update = {KeyUpdates.CLIENT_KEY_UPDATE};
    List<byte[]> expected = List.of(jdkSeal(k0, 0, plaintext(0)), jdkSeal(k0, 1, plaintext(1)),
        jdkSeal(k0, 2, plaintext(2)), jdkSeal(k0, 3, update), jdkSeal(k1, 0, plaintext(3)),
        jdkSeal(k1, 1, plaintext(4)), jdkSeal(k1, 2, plaintext(5)), jdkSeal(k1, 3, update),
        jdkSeal(k2, 0, plaintext(6)), jdkSeal(k2, 1, plaintext(7)));
    List<byte[]> got = records(wire.toByteArray());
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), "record " + i + " on the wire");
    }
    assertArrayEquals(new long[] {2, 0}, c.seqs());
  }

  @Test
  void aBatchThatCrossesTwoUpdatesLeavesInOneWriteWithEachKeyUpdateInItsPlace() throws Exception {
    List<Integer> writes = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        writes.add(len);
        super.write(b, off, len);
      }
    };
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(3));
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(plaintext(i));
    }
    c.send(batch);
    byte[] k1 = KeyUpdate.nextKey(K_C2S);
    byte[] k2 = KeyUpdate.nextKey(k1);
    byte[] update = {KeyUpdates.CLIENT_KEY_UPDATE};
    List<byte[]> expected = List.of(jdkSeal(K_C2S, 0, plaintext(0)),
        jdkSeal(K_C2S, 1, plaintext(1)), jdkSeal(K_C2S, 2, plaintext(2)),
        jdkSeal(K_C2S, 3, update), jdkSeal(k1, 0, plaintext(3)), jdkSeal(k1, 1, plaintext(4)),
        jdkSeal(k1, 2, plaintext(5)), jdkSeal(k1, 3, update), jdkSeal(k2, 0, plaintext(6)),
        jdkSeal(k2, 1, plaintext(7)));
    List<byte[]> got = records(wire.toByteArray());
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), "record " + i + " on the wire");
    }
    assertEquals(List.of(wire.size()), writes, "one write for the whole batch");
  }

  @Test
  void theReceiverFollowsEveryUpdateAndNeverReturnsKeyUpdate() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(2));
    for (int i = 0; i < 9; i++) {
      c.send(List.of(plaintext(i)));
    }
    SecureChannel s = server(new ByteArrayInputStream(wire.toByteArray()),
        OutputStream.nullOutputStream(), everyRecords(1_000));
    for (int i = 0; i < 9; i++) {
      assertArrayEquals(plaintext(i), s.receive(), "record " + i);
    }
    assertThrows(EOFException.class, s::receive);
    assertArrayEquals(new long[] {0, 1}, s.seqs(), "9 records, every 2: the receiver's key "
        + "has opened 1 record");
  }

  @Test
  void theServerUpdatesItsOwnDirectionAtItsOwnThreshold() throws Exception {
    // both directions at once: the client updates every 5 records, the server every 2
    ByteArrayOutputStream c2s = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), c2s, everyRecords(5));
    for (int i = 0; i < 12; i++) {
      c.send(List.of(plaintext(i)));
    }
    ByteArrayOutputStream s2c = new ByteArrayOutputStream();
    SecureChannel s = server(new ByteArrayInputStream(c2s.toByteArray()), s2c, everyRecords(2));
    for (int i = 0; i < 12; i++) {
      assertArrayEquals(plaintext(i), s.receive());
      s.send(List.of(plaintext(100 + i)));
    }
    assertEquals(12 + 2, records(c2s.toByteArray()).size(), "KEY_UPDATE after records 5, 10");
    assertEquals(12 + 5, records(s2c.toByteArray()).size(), "KEY_UPDATE after 2, 4, .., 10");
    SecureChannel back = client(new ByteArrayInputStream(s2c.toByteArray()),
        OutputStream.nullOutputStream(), everyRecords(1_000));
    for (int i = 0; i < 12; i++) {
      assertArrayEquals(plaintext(100 + i), back.receive());
    }
    // the server's own KEY_UPDATE is 0x2C under k_s2c: a client-type 0x1A there would be data
    byte[] firstUpdate = records(s2c.toByteArray()).get(2);
    assertArrayEquals(jdkSeal(K_S2C, 2, new byte[] {KeyUpdates.SERVER_KEY_UPDATE}), firstUpdate);
  }

  @Test
  void aRecordUnderTheOldKeyFailsAfterTheSwitch() throws Exception {
    List<byte[]> r = clientRecordsAcrossOneUpdate();
    // a record sealed under the old key with the next old sequence number (seq 4)
    CipherState oldKey = CipherState.of(K_C2S);
    byte[] stale = null;
    for (int i = 0; i < 5; i++) {
      stale = oldKey.seal(plaintext(4));
    }
    SecureChannel s = serverReading(List.of(r.get(0), r.get(1), r.get(2), r.get(3), stale));
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(plaintext(i), s.receive());
    }
    assertRefused(s, Reason.BAD_RECORD);
  }

  @Test
  void anOldRecordReplayedAfterTheSwitchFails() throws Exception {
    List<byte[]> r = clientRecordsAcrossOneUpdate();
    // record 0 of the old key again, where record 0 of the new key is expected
    SecureChannel s = serverReading(List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(0)));
    for (int i = 0; i < 3; i++) {
      s.receive();
    }
    assertRefused(s, Reason.BAD_RECORD);
  }

  @Test
  void aNewRecordReplayedFails() throws Exception {
    List<byte[]> r = clientRecordsAcrossOneUpdate();
    SecureChannel s = serverReading(List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4),
        r.get(4)));
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(plaintext(i), s.receive());
    }
    assertRefused(s, Reason.BAD_RECORD);
  }

  @Test
  void aReplayedKeyUpdateFails() throws Exception {
    List<byte[]> r = clientRecordsAcrossOneUpdate();
    SecureChannel s = serverReading(List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(3)));
    for (int i = 0; i < 3; i++) {
      s.receive();
    }
    assertRefused(s, Reason.BAD_RECORD);
  }

  @Test
  void aDroppedKeyUpdateMakesTheNextRecordFail() throws Exception {
    List<byte[]> r = clientRecordsAcrossOneUpdate();
    SecureChannel s = serverReading(List.of(r.get(0), r.get(1), r.get(2), r.get(4)));
    for (int i = 0; i < 3; i++) {
      s.receive();
    }
    assertRefused(s, Reason.BAD_RECORD);
  }

  @Test
  void aKeyUpdateReflectedBackToItsSenderFails() throws Exception {
    List<byte[]> r = clientRecordsAcrossOneUpdate();
    // the client's KEY_UPDATE (record 3 of k_c2s) bounced back to the client, after 3 records
    // of the server: the client opens it with k_s2c and refuses it
    ByteArrayOutputStream s2c = new ByteArrayOutputStream();
    SecureChannel s = server(InputStream.nullInputStream(), s2c, everyRecords(1_000));
    for (int i = 0; i < 3; i++) {
      s.send(List.of(plaintext(i)));
    }
    List<byte[]> toClient = new ArrayList<>(records(s2c.toByteArray()));
    toClient.add(r.get(3));
    SecureChannel c = client(new ByteArrayInputStream(frames(toClient)),
        OutputStream.nullOutputStream(), everyRecords(1_000));
    for (int i = 0; i < 3; i++) {
      c.receive();
    }
    assertRefused(c, Reason.BAD_RECORD);
  }

  @Test
  void afterTheAgeThresholdTheNextRecordGoesUnderANewKey() throws Exception {
    TestClock clock = new TestClock();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire,
        new KeyUpdatePolicy(1_000, Duration.ofHours(1), clock));
    c.send(List.of(plaintext(0)));
    clock.advance(Duration.ofMinutes(59));
    c.send(List.of(plaintext(1)));
    assertEquals(2, records(wire.toByteArray()).size(), "59 minutes: no update yet");
    clock.advance(Duration.ofMinutes(1));
    c.send(List.of(plaintext(2)));
    clock.advance(Duration.ofMinutes(59));
    c.send(List.of(plaintext(3)));
    List<byte[]> r = records(wire.toByteArray());
    byte[] k1 = KeyUpdate.nextKey(K_C2S);
    assertEquals(5, r.size(), "one KEY_UPDATE, at the hour, before record 2");
    assertArrayEquals(jdkSeal(K_C2S, 2, new byte[] {KeyUpdates.CLIENT_KEY_UPDATE}), r.get(2));
    assertArrayEquals(jdkSeal(k1, 0, plaintext(2)), r.get(3));
    assertArrayEquals(jdkSeal(k1, 1, plaintext(3)), r.get(4), "the new key's hour began at it");
  }

  @Test
  void updateSendingKeySendsKeyUpdateAtOnce() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(1_000));
    c.send(List.of(plaintext(0)));
    c.updateSendingKey();
    c.send(List.of(plaintext(1)));
    List<byte[]> r = records(wire.toByteArray());
    assertEquals(3, r.size());
    assertArrayEquals(jdkSeal(KeyUpdate.nextKey(K_C2S), 0, plaintext(1)), r.get(2));
    SecureChannel s = serverReading(r);
    assertArrayEquals(plaintext(0), s.receive());
    assertArrayEquals(plaintext(1), s.receive());
  }

  @Test
  void aChannelWithoutKeyUpdatesCannotBeAskedForOne() {
    SecureChannel plain = new SecureChannel(new FrameReader(InputStream.nullInputStream()),
        new FrameWriter(OutputStream.nullOutputStream()), CipherState.of(K_C2S),
        CipherState.of(K_S2C));
    assertThrows(IllegalStateException.class, plain::updateSendingKey);
  }

  @Test
  void keyUpdatesUpToTheCapInARowAreFollowed() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(1_000));
    for (int i = 0; i < KeyUpdates.MAX_IN_A_ROW; i++) {
      c.updateSendingKey();
    }
    c.send(List.of(plaintext(0)));
    for (int i = 0; i < KeyUpdates.MAX_IN_A_ROW; i++) {
      c.updateSendingKey();
    }
    c.send(List.of(plaintext(1)));
    SecureChannel s = serverReading(records(wire.toByteArray()));
    assertArrayEquals(plaintext(0), s.receive());
    assertArrayEquals(plaintext(1), s.receive(), "a record between two runs resets the count");
  }

  @Test
  void moreKeyUpdatesInARowThanTheCapEndTheConnection() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(1_000));
    for (int i = 0; i <= KeyUpdates.MAX_IN_A_ROW; i++) {
      c.updateSendingKey();
    }
    c.send(List.of(plaintext(0)));
    assertRefused(serverReading(records(wire.toByteArray())), Reason.UNEXPECTED_MESSAGE);
  }

  @Test
  void aKeyUpdateWithBytesAfterItsTypeIsOrdinaryData() throws Exception {
    // exactly one byte is KEY_UPDATE; anything longer goes up to the message layer, whose
    // strict parsing refuses it
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel c = client(InputStream.nullInputStream(), wire, everyRecords(1_000));
    byte[] notAnUpdate = {KeyUpdates.CLIENT_KEY_UPDATE, 0};
    c.send(List.of(notAnUpdate, new byte[] {KeyUpdates.SERVER_KEY_UPDATE}));
    SecureChannel s = serverReading(records(wire.toByteArray()));
    assertArrayEquals(notAnUpdate, s.receive());
    assertArrayEquals(new byte[] {KeyUpdates.SERVER_KEY_UPDATE}, s.receive(),
        "the server's own KEY_UPDATE type, from a client, is not a key update");
    assertArrayEquals(new long[] {0, 2}, s.seqs());
  }

  @Test
  void aLiveSessionUpdatesBothDirectionsManyTimesAndLosesNothing() throws Exception {
    int count = 3_000;
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
        Socket clientSocket = new Socket(loopback, listener.getLocalPort());
        Socket serverSocket = listener.accept()) {
      clientSocket.setSoTimeout(30_000);
      serverSocket.setSoTimeout(30_000);
      SecureChannel c = client(clientSocket.getInputStream(), clientSocket.getOutputStream(),
          everyRecords(7));
      SecureChannel s = server(serverSocket.getInputStream(), serverSocket.getOutputStream(),
          everyRecords(11));
      List<Future<?>> all = List.of(
          threads.submit(() -> sendAll(c, count)), threads.submit(() -> sendAll(s, count)),
          threads.submit(() -> receiveAll(s, count)), threads.submit(() -> receiveAll(c, count)));
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
      // 3,000 records at every 7 and every 11: each side's receiving key has seen the rest
      assertArrayEquals(new long[] {count % 7, count % 11}, c.seqs());
      assertArrayEquals(new long[] {count % 11, count % 7}, s.seqs());
    } finally {
      threads.shutdownNow();
    }
  }

  private static Void sendAll(SecureChannel channel, int count) throws IOException {
    for (int i = 0; i < count; i += 3) {
      List<byte[]> batch = new ArrayList<>();
      for (int j = i; j < Math.min(count, i + 3); j++) {
        batch.add(plaintext(j));
      }
      channel.send(batch);
    }
    return null;
  }

  private static Void receiveAll(SecureChannel channel, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      byte[] got = channel.receive();
      assertTrue(Arrays.equals(plaintext(i), got), "record " + i);
    }
    return null;
  }

  @Test
  void thePolicyRefusesThresholdsThatCannotWork() {
    assertThrows(IllegalArgumentException.class,
        () -> new KeyUpdatePolicy(0, Duration.ofHours(1), Clock.systemUTC()));
    assertThrows(IllegalArgumentException.class,
        () -> new KeyUpdatePolicy(1, Duration.ZERO, Clock.systemUTC()));
    KeyUpdatePolicy defaults = KeyUpdatePolicy.defaults();
    assertEquals(1L << 20, defaults.maxRecords());
    assertEquals(Duration.ofHours(1), defaults.maxAge());
    assertInstanceOf(Clock.class, defaults.clock());
  }

  @Test
  void bothProgramsTakeThePolicyFromOnePlaceWhichATestMayLowerButNeverRaise() {
    String property = KeyUpdatePolicy.TEST_RECORDS_PROPERTY;
    String before = System.getProperty(property);
    try {
      System.clearProperty(property);
      assertEquals(KeyUpdatePolicy.DEFAULT_MAX_RECORDS, KeyUpdatePolicy.standard().maxRecords());
      System.setProperty(property, "3");
      KeyUpdatePolicy lowered = KeyUpdatePolicy.standard();
      assertEquals(3, lowered.maxRecords());
      assertEquals(KeyUpdatePolicy.DEFAULT_MAX_AGE, lowered.maxAge());
      for (String bad : List.of("0", "-1", "three", String.valueOf((1L << 20) + 1))) {
        System.setProperty(property, bad);
        assertThrows(IllegalArgumentException.class, KeyUpdatePolicy::standard, bad);
      }
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }
}
