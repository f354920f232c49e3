package dev.lanchat.common.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanchat.common.channel.SecureChannel;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  @Test
  void bothRolesCompleteAHandshakeOverPipedStreamsAndExchangeMessages() throws Exception {
    PipedInputStream serverIn = new PipedInputStream(1 << 17);
    PipedOutputStream clientOut = new PipedOutputStream(serverIn);
    PipedInputStream clientIn = new PipedInputStream(1 << 17);
    PipedOutputStream serverOut = new PipedOutputStream(clientIn);
    SecureRandom random = new SecureRandom();
    Identity identity = Identity.generate(random);

    CompletableFuture<SecureChannel> server = CompletableFuture.supplyAsync(() -> {
      try {
        return ServerHandshake.run(serverIn, serverOut, identity, random);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    SecureChannel client = ClientHandshake.run(clientIn, clientOut, random, ServerKeyVerifier.TRUST_ANY);
    SecureChannel s = server.get(10, TimeUnit.SECONDS);

    assertArrayEquals(identity.publicKey(), client.serverIdentity());
    client.send(new ClientMessage.Say("hello"));
    assertEquals(new ClientMessage.Say("hello"), s.receiveFromClient());
    s.send(new ServerMessage.Pong(7));
    assertEquals(new ServerMessage.Pong(7), client.receiveFromServer());
  }
}
