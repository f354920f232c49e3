package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.frame.FrameHead;
import dev.lanchat.common.frame.FrameReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What both hellos share: magic {@code "LANCHAT"} and version {@code 0x02} (protocol §2). */
final class Hellos {
  static final byte[] MAGIC = "LANCHAT".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 0x02;
  static final int PREFIX_SIZE = MAGIC.length + 1;

  private Hellos() {}

  /**
   * Reads a hello frame of {@code expectedSize} bytes, allocating no more than that whatever
   * size the peer claims, and checks its prefix and size.
   *
   * @throws ProtocolException if the frame or its prefix or size is bad
   * @throws IOException if the connection fails
   */
  static byte[] read(FrameReader reader, int expectedSize, String what) throws IOException {
    FrameHead head = reader.readHead(expectedSize);
    checkPrefix(head.bytes(), head.length(), expectedSize, what);
    return head.bytes();
  }

  /** Checks magic, then version, then size, so a peer of another version is named as such. */
  static void checkPrefix(byte[] payload, int expectedSize, String what) throws ProtocolException {
    checkPrefix(payload, payload.length, expectedSize, what);
  }

  /**
   * As {@link #checkPrefix(byte[], int, String)} for a payload of {@code length} bytes of which
   * {@code payload} holds the first ones.
   */
  private static void checkPrefix(byte[] payload, int length, int expectedSize, String what)
      throws ProtocolException {
    if (payload.length < PREFIX_SIZE
        || !Arrays.equals(payload, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ProtocolException(Reason.BAD_HELLO,
          what + " does not start with \"LANCHAT\": the peer is not a LanChat " + peerRole(what));
    }
    int version = payload[MAGIC.length] & 0xFF;
    if (version != VERSION) {
      throw ProtocolException.versionMismatch(version, mismatch(peerRole(what), version));
    }
    if (length != expectedSize) {
      throw new ProtocolException(Reason.BAD_HELLO,
          what + " is " + length + " bytes; version " + VERSION + " makes it " + expectedSize);
    }
  }

  /** A writer for a hello of {@code size} bytes that already holds the magic and version. */
  static ByteWriter prefix(int size) {
    return new ByteWriter(size).bytes(MAGIC).u8(VERSION);
  }

  /** Protocol §2.2: "the server speaks LanChat protocol 1; this client needs 2" and the like. */
  private static String mismatch(String peer, int version) {
    return "the " + peer + " speaks LanChat protocol " + version + "; this "
        + (peer.equals("server") ? "client needs " : "server speaks ") + VERSION;
  }

  private static String peerRole(String what) {
    return what.startsWith("ServerHello") ? "server" : "client";
  }
}
