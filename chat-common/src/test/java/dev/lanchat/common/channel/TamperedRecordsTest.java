package dev.lanchat.common.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.testing.Tamper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 10,000 sessions at the record layer, each tampered once (a flipped bit anywhere in a frame, a
 * dropped, duplicated or reordered record, or a record spliced in from another session): the
 * receiver delivers exactly the genuine records before the bad one, then fails with a
 * ProtocolException, and never delivers a plaintext from the bad record or after it.
 */
class TamperedRecordsTest {
  private static final int SESSIONS = 10_000;

  enum Kind { FLIP, DROP, DUPLICATE, REORDER, SPLICE }

  @Test
  void everyTamperedSessionStopsAtTheBadRecordAndDeliversNothingFromItOnward() throws Exception {
    long seed = Long.getLong("lanchat.tamper.seed", System.nanoTime());
    System.out.println("TamperedRecordsTest seed " + seed + " (-Dlanchat.tamper.seed=" + seed + ")");
    Random random = new Random(seed);
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    for (int s = 0; s < SESSIONS; s++) {
      Kind kind = Kind.values()[s % Kind.values().length];
      int records = 3 + random.nextInt(10);
      int at = random.nextInt(records - 1); // a genuine record always follows the bad one
      byte[] key = key(random);
      List<byte[]> frames = seal(key, records);
      Tamper tamper = switch (kind) {
        case FLIP -> Tamper.flipBit(at, random.nextInt(frames.get(at).length * 8));
        case DROP -> Tamper.drop(at);
        case DUPLICATE -> Tamper.duplicate(at);
        case REORDER -> Tamper.reorder(at);
        case SPLICE -> Tamper.splice(at, seal(key(random), records).get(at)); // same seq, other session
      };
      int genuine = kind == Kind.DUPLICATE ? at + 1 : at; // the first copy of a duplicate is genuine
      Received got = receive(key, Tamper.applyTo(tamper, frames));
      String what = "session " + s + " " + kind + " at record " + at + " of " + records + " (seed " + seed + ")";
      assertEquals(expected(genuine), got.messages, what);
      assertInstanceOf(ProtocolException.class, got.failure, what);
      counts.merge(kind, 1, Integer::sum);
    }
    for (Kind k : Kind.values()) {
      assertEquals(SESSIONS / Kind.values().length, counts.get(k), k.name());
    }
  }

  @Test
  void anUntamperedSessionDeliversEveryRecordThenEndsCleanly() throws Exception {
    byte[] key = key(new Random(1));
    Received got = receive(key, Tamper.applyTo(Tamper.none(), seal(key, 8)));
    assertEquals(expected(8), got.messages);
    assertInstanceOf(java.io.EOFException.class, got.failure);
    assertTrue(!(got.failure instanceof ProtocolException));
  }

  private record Received(List<ClientMessage> messages, IOException failure) { }

  private static byte[] key(Random random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }

  /** Seals {@code records} SAY messages under {@code key} and returns their whole frames. */
  private static List<byte[]> seal(byte[] key, int records) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    MessageChannel sender = new MessageChannel(new SecureChannel(
        new FrameReader(InputStreamOfNothing.INSTANCE), new FrameWriter(wire), CipherState.of(key),
        CipherState.of(key)));
    for (ClientMessage m : expected(records)) {
      sender.send(m);
    }
    return split(wire.toByteArray());
  }

  private static Received receive(byte[] key, List<byte[]> frames) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    frames.forEach(wire::writeBytes);
    MessageChannel receiver = new MessageChannel(new SecureChannel(
        new FrameReader(new ByteArrayInputStream(wire.toByteArray())),
        new FrameWriter(OutputStream.nullOutputStream()), CipherState.of(key),
        CipherState.of(key)));
    List<ClientMessage> got = new ArrayList<>();
    while (true) {
      try {
        got.add(receiver.receiveFromClient());
      } catch (IOException e) {
        return new Received(got, e);
      }
    }
  }

  private static List<ClientMessage> expected(int count) {
    List<ClientMessage> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new ClientMessage.Say(i + 1, "#general", "line " + i));
    }
    return out;
  }

  private static List<byte[]> split(byte[] wire) {
    List<byte[]> frames = new ArrayList<>();
    int at = 0;
    while (at < wire.length) {
      int length = ((wire[at] & 0xFF) << 24) | ((wire[at + 1] & 0xFF) << 16)
          | ((wire[at + 2] & 0xFF) << 8) | (wire[at + 3] & 0xFF);
      frames.add(java.util.Arrays.copyOfRange(wire, at, at + 4 + length));
      at += 4 + length;
    }
    return frames;
  }

  private static final class InputStreamOfNothing extends java.io.InputStream {
    static final InputStreamOfNothing INSTANCE = new InputStreamOfNothing();

    @Override
    public int read() {
      return -1;
    }
  }
}
