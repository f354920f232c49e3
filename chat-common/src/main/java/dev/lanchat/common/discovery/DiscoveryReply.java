package dev.lanchat.common.discovery;

import dev.lanchat.common.bytes.ByteReader;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.bytes.ByteWriter;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.StrictUtf8;
import dev.lanchat.common.rules.TerminalText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A server's answer to a {@link DiscoveryRequest} (protocol §8), unicast to the sender: {@code
 * "LANCHAT!" ‖ 0x01 ‖ u16 tcp_port ‖ Si[32] ‖ sig[64] ‖ name: str}, where {@code sig =
 * Ed25519-Sign(identity private key, "lanchat v1 discovery" ‖ nonce ‖ u16 tcp_port ‖ name:
 * str)}. The name is at most 48 UTF-8 bytes, so a reply is at most 157 bytes and never larger
 * than the 160-byte request that caused it.
 *
 * <p>A reply proves only that the holder of {@code Si} answered this nonce: a client checks it
 * with {@link #verify} and still applies the handshake and pinning rules of protocol §6 before
 * trusting the server. {@code name} comes from the network: render it with {@link
 * TerminalText#render} before printing it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tcpPort the server's TCP port, 1 to 65,535
 * @param identity the server's long-term Ed25519 public key {@code Si}
 * @param sig the signature over the request's nonce, {@code tcp_port} and {@code name}
 * @param name the server's name, at most 48 UTF-8 bytes
 */
public record DiscoveryReply(int tcpPort, ByteString identity, ByteString sig, String name) {
  /** Largest name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 48;

  /** Size of a reply with an empty name. */
  public static final int MIN_SIZE = 8 + 1 + 2 + Ed25519.KEY_SIZE + Ed25519.SIGNATURE_SIZE + 2;

  /** Size of a reply with a 48-byte name: 157. */
  public static final int MAX_SIZE = MIN_SIZE + MAX_NAME_BYTES;

  static final byte[] MAGIC = "LANCHAT!".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 0x01;
  private static final byte[] SIG_LABEL = "lanchat v1 discovery".getBytes(StandardCharsets.US_ASCII);
  private static final int PORT_OFFSET = MAGIC.length + 1;

  public DiscoveryReply {
    checkPort(tcpPort);
    if (identity.size() != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("Si is 32 bytes, not " + identity.size());
    }
    if (sig.size() != Ed25519.SIGNATURE_SIZE) {
      throw new IllegalArgumentException("sig is 64 bytes, not " + sig.size());
    }
    if (StrictUtf8.encode(name).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("a discovery name is at most 48 UTF-8 bytes");
    }
  }

  /** A reply holding copies of {@code identity} and {@code sig}. */
  public DiscoveryReply(int tcpPort, byte[] identity, byte[] sig, String name) {
    this(tcpPort, ByteString.copyOf(identity), ByteString.copyOf(sig), name);
  }

  /**
   * The reply {@code identity} signs for the request that carried {@code nonce}.
   *
   * @throws IllegalArgumentException if the nonce is not 32 bytes, the port is not 1 to 65,535,
   *     or the name is longer than 48 UTF-8 bytes or holds an unpaired surrogate
   */
  public static DiscoveryReply sign(Identity identity, ByteString nonce, int tcpPort,
      String name) {
    return sign(identity, nonce.toByteArray(), tcpPort, name);
  }

  /**
   * As {@link #sign(Identity, ByteString, int, String)} for a nonce held in an array.
   *
   * @throws IllegalArgumentException as that method does
   */
  public static DiscoveryReply sign(Identity identity, byte[] nonce, int tcpPort, String name) {
    checkPort(tcpPort);
    byte[] nameBytes = StrictUtf8.encode(name);
    if (nameBytes.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("a discovery name is at most 48 UTF-8 bytes");
    }
    byte[] sig = identity.sign(signedBytes(nonce, tcpPort, nameBytes));
    return new DiscoveryReply(tcpPort, identity.publicKey(), sig, name);
  }

  /**
   * The longest prefix of {@code name} that ends on a code point boundary and fits in 48 UTF-8
   * bytes: {@code name} itself when it fits.
   *
   * @throws IllegalArgumentException if the name holds an unpaired surrogate
   */
  public static String fitName(String name) {
    StrictUtf8.encode(name); // refuses an unpaired surrogate
    return StrictUtf8.truncate(name, MAX_NAME_BYTES);
  }

  /** The reply in {@code datagram}, or empty unless it is exactly one well-formed reply. */
  public static Optional<DiscoveryReply> parse(byte[] datagram) {
    return parse(datagram, datagram.length);
  }

  /**
   * The reply in the first {@code length} bytes of {@code datagram}, or empty unless they are
   * exactly one well-formed reply: magic {@code "LANCHAT!"}, version 1, a non-zero port, a name
   * of at most 48 bytes of strict UTF-8 and no byte after it. The signature is not checked
   * here; see {@link #verify}.
   */
  public static Optional<DiscoveryReply> parse(byte[] datagram, int length) {
    if (length < MIN_SIZE || length > MAX_SIZE || length > datagram.length
        || !Arrays.equals(datagram, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        || (datagram[MAGIC.length] & 0xFF) != VERSION) {
      return Optional.empty();
    }
    ByteReader r = ByteReader.of(datagram, PORT_OFFSET, length - PORT_OFFSET);
    int port = r.u16();
    byte[] identity = r.bytes(Ed25519.KEY_SIZE);
    byte[] sig = r.bytes(Ed25519.SIGNATURE_SIZE);
    int nameLength = r.u16();
    if (port == 0 || nameLength != r.remaining()) {
      return Optional.empty();
    }
    Optional<String> name = StrictUtf8.decode(datagram, MIN_SIZE, nameLength);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DiscoveryReply(port, identity, sig, name.get()));
  }

  /** The datagram: 109 bytes plus the name's UTF-8 bytes, at most 157. */
  public byte[] encode() {
    byte[] nameBytes = StrictUtf8.encode(name);
    return new ByteWriter(MIN_SIZE + nameBytes.length).bytes(MAGIC).u8(VERSION).u16(tcpPort)
        .bytes(identity).bytes(sig).u16(nameBytes.length).bytes(nameBytes).toByteArray();
  }

  /**
   * True when {@code sig} is {@code Si}'s signature over this reply's port and name for the
   * request that carried {@code nonce}. A reply replayed from another request, or one whose
   * port, name or key was changed on the way, is not valid.
   *
   * @throws IllegalArgumentException if the nonce is not 32 bytes
   */
  public boolean verify(byte[] nonce) {
    return Ed25519.verify(identity.toByteArray(),
        signedBytes(nonce, tcpPort, StrictUtf8.encode(name)), sig.toByteArray());
  }

  /**
   * As {@link #verify(byte[])}.
   *
   * @throws IllegalArgumentException if the nonce is not 32 bytes
   */
  public boolean verify(ByteString nonce) {
    return verify(nonce.toByteArray());
  }

  /** The fingerprint of {@code Si}. */
  public String fingerprint() {
    return Fingerprint.of(identity);
  }

  /** Port, fingerprint and the name made terminal-safe: the name came from the network. */
  @Override
  public String toString() {
    return "DiscoveryReply[tcpPort=" + tcpPort + ", Si=" + fingerprint()
        + ", name=" + TerminalText.render(name) + "]";
  }

  /** {@code "lanchat v1 discovery" ‖ nonce ‖ u16 tcp_port ‖ name: str}. */
  private static byte[] signedBytes(byte[] nonce, int tcpPort, byte[] nameBytes) {
    if (nonce.length != DiscoveryRequest.NONCE_SIZE) {
      throw new IllegalArgumentException("a discovery nonce is 32 bytes, not " + nonce.length);
    }
    return new ByteWriter(SIG_LABEL.length + nonce.length + 4 + nameBytes.length)
        .bytes(SIG_LABEL).bytes(nonce).u16(tcpPort).u16(nameBytes.length).bytes(nameBytes)
        .toByteArray();
  }

  private static void checkPort(int tcpPort) {
    if (tcpPort < 1 || tcpPort > 0xFFFF) {
      throw new IllegalArgumentException("a TCP port is 1 to 65535, not " + tcpPort);
    }
  }
}
