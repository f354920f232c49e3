package dev.lanchat.server;

import dev.lanchat.common.BuildInfo;
import dev.lanchat.common.ProtocolException;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opening handshake of one connection (protocol §3), and the log line that says why one
 * failed. Kept apart so {@link Connection} reads as the steps of a client's life.
 */
final class HandshakeStep {
  private static final Logger log = LoggerFactory.getLogger(HandshakeStep.class);

  private HandshakeStep() {}

  /**
   * Runs the handshake on {@code socket}, leaving {@code slot} once it succeeded; empty when it
   * failed, in which case nothing is sent (protocol §2.6) and the connection just ends.
   */
  static Optional<ClientLink> run(ServerContext server, ClientSocket socket,
      HandshakeSlots.Slot slot) {
    try {
      socket.prepare(server.config().handshakeTimeout());
      ClientLink link = ClientLink.handshake(socket, server.identity(), server.random());
      slot.leave();
      return Optional.of(link);
    } catch (ProtocolException e) {
      if (e.peerVersion().isPresent()) { // protocol §2.6: nothing the client could read is sent
        log.info("client at {} speaks LanChat protocol {}; this server speaks {}", socket.peer(),
            e.peerVersion().getAsInt(), BuildInfo.PROTOCOL_VERSION);
      } else {
        log.warn("protocol error from {} during the handshake: {}", socket.peer(),
            e.getMessage());
      }
    } catch (IOException e) {
      log.debug("connection from {} ended during the handshake ({})", socket.peer(),
          Peers.brief(e));
    }
    return Optional.empty();
  }
}
