package dev.lanchat.common.handshake;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.ProtocolException.Reason;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.channel.KeyUpdatePolicy;
import dev.lanchat.common.channel.KeyUpdates;
import dev.lanchat.common.crypto.Bytes;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.crypto.Ed25519;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.crypto.X25519;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The client role of the handshake (protocol §2): read ServerHello, send ClientHello, derive the
 * keys, open SERVER_AUTH (record 0), verify its signature against {@code Si}, ask the {@link
 * ServerKeyVerifier} whether {@code Si} is trusted, and only then send CLIENT_AUTH (record 0 of
 * the client's direction) proving the client's own key. Nothing encrypted is sent before both
 * checks pass. Ends in a {@link HandshakeResult} whose sender is {@code k_c2s}, already past
 * CLIENT_AUTH, and whose peer key is {@code Si}.
 */
public final class ClientHandshake {
  private ClientHandshake() {}

  /**
   * Runs the handshake with a fresh ephemeral key, proving {@code identity} to the server once
   * {@code verifier} trusts {@code Si}. Build the channel from the result with the same {@code
   * reader} and {@code writer}.
   *
   * @throws ProtocolException if the server's hello, key or SERVER_AUTH is bad
   * @throws IOException if the connection fails, or as thrown by {@code verifier}
   */
  public static HandshakeResult run(FrameReader reader, FrameWriter writer, Identity identity,
      SecureRandom random, ServerKeyVerifier verifier) throws IOException {
    return run(reader, writer, identity, X25519.generate(random), verifier);
  }

  /**
   * Runs the handshake with the given ephemeral key pair (test vectors need a fixed one). The
   * private half is wiped before this returns.
   *
   * @throws ProtocolException if the server's hello, key or SERVER_AUTH is bad
   * @throws IOException if the connection fails, or as thrown by {@code verifier}
   */
  public static HandshakeResult run(FrameReader reader, FrameWriter writer, Identity identity,
      X25519.KeyPair ephemeral, ServerKeyVerifier verifier) throws IOException {
    HandshakeResult result = verifyServer(reader, writer, ephemeral);
    verifier.verify(result.peerKey().orElseThrow().toByteArray());
    sendClientAuth(result, writer, identity);
    return result;
  }

  /**
   * The first half of the handshake for a caller that decides about {@code Si} itself, later
   * (a person may be asked): read ServerHello, send ClientHello, derive the keys and verify
   * SERVER_AUTH. Nothing encrypted has been sent when this returns; once {@code Si} is trusted,
   * call {@link #sendClientAuth} before anything else, or close the connection.
   *
   * @throws ProtocolException if the server's hello, key or SERVER_AUTH is bad
   * @throws IOException if the connection fails
   */
  public static HandshakeResult verifyServer(FrameReader reader, FrameWriter writer,
      SecureRandom random) throws IOException {
    return verifyServer(reader, writer, X25519.generate(random));
  }

  /**
   * The second half: sends CLIENT_AUTH proving {@code identity}, as record 0 of the client's
   * direction (protocol §2.5). Call it only after {@code Si} is trusted, and before sending
   * anything else through a channel built from {@code result}.
   *
   * @throws IOException if the connection fails
   */
  public static void sendClientAuth(HandshakeResult result, FrameWriter writer, Identity identity)
      throws IOException {
    ClientMessage.ClientAuth proof = ClientAuthentication.prove(identity, result.th());
    writer.writeFrame(result.send().seal(MessageCodec.encode(proof)));
  }

  /**
   * As {@link #verifyServer(FrameReader, FrameWriter, SecureRandom)} with the given ephemeral key
   * pair (tests need a fixed one), whose private half is wiped before this returns.
   *
   * @throws ProtocolException if the server's hello, key or SERVER_AUTH is bad
   * @throws IOException if the connection fails
   */
  public static HandshakeResult verifyServer(FrameReader reader, FrameWriter writer,
      X25519.KeyPair ephemeral) throws IOException {
    byte[] shared = null;
    KeySchedule keys = null;
    HandshakeResult result;
    try {
      byte[] serverHello = Hellos.read(reader, ServerHello.SIZE, "ServerHello");
      ServerHello hello = ServerHello.parse(serverHello);
      byte[] clientHello = new ClientHello(ephemeral.publicKey()).encode();
      writer.writeFrame(clientHello);
      shared = ephemeral.agree(hello.ephemeral().toByteArray());
      keys = KeySchedule.derive(shared, hello.salt().toByteArray(), serverHello, clientHello);
      result = new HandshakeResult(CipherState.of(keys.kC2s()), CipherState.of(keys.kS2c()),
          ByteString.copyOf(keys.th()), Optional.of(hello.identity()),
          KeyUpdates.client(KeyUpdatePolicy.standard()));
    } finally {
      ephemeral.wipe();
      Bytes.wipe(shared);
      if (keys != null) {
        keys.wipe();
      }
    }
    byte[] serverIdentity = result.peerKey().orElseThrow().toByteArray();
    ServerMessage.ServerAuth auth = readServerAuth(reader, result.receive());
    byte[] signed = KeySchedule.serverAuthMessage(result.th().toByteArray());
    if (!Ed25519.verify(serverIdentity, signed, auth.sig().toByteArray())) {
      throw new ProtocolException(Reason.BAD_SERVER_AUTH,
          "the server's SERVER_AUTH signature does not verify: someone may be in the middle");
    }
    return result;
  }

  /** Opens record 0, which must be SERVER_AUTH; every failure is a bad SERVER_AUTH. */
  private static ServerMessage.ServerAuth readServerAuth(FrameReader reader, CipherState receive)
      throws IOException {
    ServerMessage first;
    try {
      first = MessageCodec.decodeServer(receive.open(reader.readFrame()));
    } catch (ProtocolException e) {
      throw new ProtocolException(Reason.BAD_SERVER_AUTH,
          "the server's first record did not open: " + e.getMessage(), e);
    }
    if (!(first instanceof ServerMessage.ServerAuth auth)) {
      throw new ProtocolException(Reason.BAD_SERVER_AUTH,
          "the server's first record is not SERVER_AUTH");
    }
    return auth;
  }
}
