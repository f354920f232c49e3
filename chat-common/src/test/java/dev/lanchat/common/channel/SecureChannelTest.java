package dev.lanchat.common.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.KeySchedule;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.ServerMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The record rules of protocol §3 through {@link SecureChannel}: a replayed, dropped, reordered
 * or reflected record does not open, the connection is over, and its plaintext is never used.
 */
class SecureChannelTest {
  private static final KeySchedule KEYS = KeySchedule.derive(filled(0x11), filled(0x22),
      filled(0x33, 104), filled(0x44, 40));

  private static byte[] filled(int value) {
    return filled(value, 32);
  }

  private static byte[] filled(int value, int size) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) value);
    return out;
  }

  /** A client-side channel reading {@code incoming} and writing to {@code out}. */
  private static MessageChannel client(byte[] incoming, ByteArrayOutputStream out) {
    return new MessageChannel(new SecureChannel(new FrameReader(new ByteArrayInputStream(incoming)),
        new FrameWriter(out), CipherState.of(KEYS.kC2s()), CipherState.of(KEYS.kS2c())));
  }

  /** A server-side channel reading {@code incoming} and writing to {@code out}. */
  private static MessageChannel server(byte[] incoming, ByteArrayOutputStream out) {
    return new MessageChannel(new SecureChannel(new FrameReader(new ByteArrayInputStream(incoming)),
        new FrameWriter(out), CipherState.of(KEYS.kS2c()), CipherState.of(KEYS.kC2s())));
  }

  /** The record payloads in a stream of frames. */
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

  private static byte[] frames(byte[]... payloads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeFrames(List.of(payloads));
    return out.toByteArray();
  }

  /** Records 0, 1, 2 as the client seals them: SAY "zero", "one", "two". */
  private static List<byte[]> clientRecords() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    MessageChannel c = client(new byte[0], wire);
    c.send(new ClientMessage.Say(1, "#general", "zero"));
    c.send(new ClientMessage.Say(1, "#general", "one"));
    c.send(new ClientMessage.Say(1, "#general", "two"));
    return records(wire.toByteArray());
  }

  private static void assertRecordRefused(MessageChannel channel) {
    ProtocolException e = assertThrows(ProtocolException.class, channel::receiveFromClient);
    assertEquals(Reason.BAD_RECORD, e.reason());
    // the connection is over: nothing after a failed record is ever read
    assertThrows(IllegalStateException.class, channel::receiveFromClient);
  }

  @Test
  void recordsInOrderAreDelivered() throws Exception {
    List<byte[]> r = clientRecords();
    MessageChannel s = server(frames(r.get(0), r.get(1), r.get(2)), new ByteArrayOutputStream());
    assertEquals(new ClientMessage.Say(1, "#general", "zero"), s.receiveFromClient());
    assertEquals(new ClientMessage.Say(1, "#general", "one"), s.receiveFromClient());
    assertEquals(new ClientMessage.Say(1, "#general", "two"), s.receiveFromClient());
    assertThrows(EOFException.class, s::receiveFromClient);
  }

  @Test
  void replayedRecordFails() throws Exception {
    List<byte[]> r = clientRecords();
    MessageChannel s = server(frames(r.get(0), r.get(0)), new ByteArrayOutputStream());
    assertEquals(new ClientMessage.Say(1, "#general", "zero"), s.receiveFromClient());
    assertRecordRefused(s);
  }

  @Test
  void droppedRecordMakesTheNextOneFail() throws Exception {
    List<byte[]> r = clientRecords();
    MessageChannel s = server(frames(r.get(0), r.get(2)), new ByteArrayOutputStream());
    assertEquals(new ClientMessage.Say(1, "#general", "zero"), s.receiveFromClient());
    assertRecordRefused(s);
  }

  @Test
  void reorderedRecordsFail() throws Exception {
    List<byte[]> r = clientRecords();
    MessageChannel s = server(frames(r.get(1), r.get(0)), new ByteArrayOutputStream());
    assertRecordRefused(s);
  }

  @Test
  void serverRecordReflectedBackToTheServerFails() throws Exception {
    ByteArrayOutputStream serverWire = new ByteArrayOutputStream();
    server(new byte[0], serverWire).send(new ServerMessage.Pong(1));
    // an attacker sends the server's own record 0 (sealed with k_s2c) back to it as record 0
    MessageChannel s = server(serverWire.toByteArray(), new ByteArrayOutputStream());
    assertRecordRefused(s);
  }

  @Test
  void clientRecordReflectedBackToTheClientFails() throws Exception {
    ByteArrayOutputStream clientWire = new ByteArrayOutputStream();
    client(new byte[0], clientWire).send(new ClientMessage.Ping(1));
    MessageChannel c = client(clientWire.toByteArray(), new ByteArrayOutputStream());
    ProtocolException e = assertThrows(ProtocolException.class, c::receiveFromServer);
    assertEquals(Reason.BAD_RECORD, e.reason());
    assertThrows(IllegalStateException.class, c::receiveFromServer);
  }

  @Test
  void bothDirectionsCountTheirOwnSequenceNumbers() throws Exception {
    ByteArrayOutputStream serverWire = new ByteArrayOutputStream();
    MessageChannel s = server(frames(clientRecords().get(0)), serverWire);
    s.send(new ServerMessage.Pong(1));
    s.send(new ServerMessage.Pong(2));
    assertEquals(new ClientMessage.Say(1, "#general", "zero"), s.receiveFromClient());
    assertArrayEquals(new long[] {2, 1}, s.records().seqs());
    MessageChannel c = client(serverWire.toByteArray(), new ByteArrayOutputStream());
    assertEquals(new ServerMessage.Pong(1), c.receiveFromServer());
    assertEquals(new ServerMessage.Pong(2), c.receiveFromServer());
    assertArrayEquals(new long[] {0, 2}, c.records().seqs());
  }

  private static final dev.lanchat.common.message.EventHeader EVENT =
      new dev.lanchat.common.message.EventHeader("#general", 5,
          dev.lanchat.common.bytes.ByteString.copyOf(new byte[32]), 5,
          dev.lanchat.common.bytes.ByteString.copyOf(new byte[32]));

  @Test
  void sendEncodedSealsEachMessageAsItsOwnRecordInOneWrite() throws Exception {
    ByteArrayOutputStream serverWire = new ByteArrayOutputStream();
    MessageChannel s = server(new byte[0], serverWire);
    byte[] chat = dev.lanchat.common.message.MessageCodec.encode(
        new ServerMessage.Chat(EVENT, "bob", "hi"));
    s.sendEncoded(List.of(chat, chat, chat));
    assertEquals(3, records(serverWire.toByteArray()).size());
    MessageChannel c = client(serverWire.toByteArray(), new ByteArrayOutputStream());
    for (int i = 0; i < 3; i++) {
      assertEquals(new ServerMessage.Chat(EVENT, "bob", "hi"), c.receiveFromServer());
    }
  }

  @Test
  void messageOfTheWrongDirectionIsMalformed() throws Exception {
    ByteArrayOutputStream clientWire = new ByteArrayOutputStream();
    MessageChannel c = client(new byte[0], clientWire);
    // a client that seals a server-only type (PONG) under k_c2s
    c.sendEncoded(List.of(dev.lanchat.common.message.MessageCodec.encode(new ServerMessage.Pong(3))));
    MessageChannel s = server(clientWire.toByteArray(), new ByteArrayOutputStream());
    assertEquals(Reason.MALFORMED_MESSAGE,
        assertThrows(ProtocolException.class, s::receiveFromClient).reason());
    assertThrows(IllegalStateException.class, s::receiveFromClient);
  }
}
