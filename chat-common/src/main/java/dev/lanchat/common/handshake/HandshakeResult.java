package dev.lanchat.common.handshake;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.channel.KeyUpdates;
import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished handshake (protocol §2) leaves for the layers above: the two directional
 * cipher states, the transcript hash {@code th} that later steps can bind to, and the peer's
 * long-term key where the peer proved one.
 *
 * <p>The cipher states already stand at the next record number (the server's SERVER_AUTH is
 * record 0 in its direction), so the channel built from them carries on where the handshake
 * stopped.
 *
 * @param send seals what this side sends ({@code k_c2s} on a client, {@code k_s2c} on a server)
 * @param receive opens what the peer sends
 * @param th the 32-byte transcript hash
 * @param peerKey the peer's long-term public key: the server's Ed25519 key {@code Si} on a
 *     client; empty on a server, which learns the client's key {@code Ci} only from the
 *     CLIENT_AUTH record that follows ({@link ClientAuthentication})
 * @param updates this side's key updates (protocol "Key update"): which KEY_UPDATE it sends and
 *     expects, and when it updates by itself
 */
public record HandshakeResult(CipherState send, CipherState receive, ByteString th,
    Optional<ByteString> peerKey, KeyUpdates updates) {

  public HandshakeResult {
    Objects.requireNonNull(send, "send");
    Objects.requireNonNull(receive, "receive");
    Objects.requireNonNull(th, "th");
    Objects.requireNonNull(peerKey, "peerKey");
    Objects.requireNonNull(updates, "updates");
  }

  /**
   * The record layer over {@code reader} and {@code writer}, the ones the handshake used; it
   * updates its keys by {@link #updates}, so the layers above never see a KEY_UPDATE.
   */
  public SecureChannel channel(FrameReader reader, FrameWriter writer) {
    return new SecureChannel(reader, writer, send, receive, updates);
  }
}
