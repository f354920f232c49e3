package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.chain.SignedHead;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ErrorCode;
import dev.lanchat.common.message.ServerMessage;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * SIGNED_HEAD (issue 18) through the real server: relayed unchanged to the room's other members
 * only, refused with NOT_IN_ROOM for a room the sender is not in, and counted against the
 * sender's message rate like any other message.
 */
class SignedHeadRelayTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static SignedHead signed(Identity identity, String room) {
    byte[] head = new byte[ChainHead.SIZE];
    RANDOM.nextBytes(head);
    return SignedHead.sign(identity, new ChainHead(room, 3, ByteString.copyOf(head)));
  }

  @Test
  void aSignedHeadReachesTheRoomsOtherMembersUnchangedAndNotItsSender() throws Exception {
    Identity aliceKey = Identity.generate(RANDOM);
    try (ChatServer server = TestServers.start();
        TestClient alice = TestClient.join(server.port(), "alice", aliceKey);
        TestClient bob = TestClient.join(server.port(), "bob");
        TestClient carol = TestClient.join(server.port(), "carol")) {
      SignedHead head = signed(aliceKey, TestClient.GENERAL);
      alice.send(new ClientMessage.SignedHead(head));
      for (TestClient other : new TestClient[] {bob, carol}) {
        SignedHead relayed = other.await(ServerMessage.SignedHead.class).head();
        assertArrayEquals(head.encode(), relayed.encode(), "relayed byte for byte");
        assertTrue(relayed.signatureValid());
      }
      alice.sync();
      assertTrue(alice.log().stream().noneMatch(ServerMessage.SignedHead.class::isInstance),
          "the sender does not get its own signed head back");
    }
  }

  @Test
  void aSignedHeadForARoomTheSenderIsNotInIsRefusedWithNotInRoom() throws Exception {
    Identity aliceKey = Identity.generate(RANDOM);
    try (ChatServer server = TestServers.start();
        TestClient alice = TestClient.join(server.port(), "alice", aliceKey);
        TestClient bob = TestClient.join(server.port(), "bob")) {
      alice.send(new ClientMessage.SignedHead(signed(aliceKey, "#elsewhere")));
      alice.awaitError(ErrorCode.NOT_IN_ROOM);
      bob.sync();
      assertTrue(bob.log().stream().noneMatch(ServerMessage.SignedHead.class::isInstance),
          "nothing relayed");
    }
  }

  @Test
  void signedHeadsCountAgainstTheSendersMessageRate() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().messageRate(0.001, 2).build();
    Identity aliceKey = Identity.generate(RANDOM);
    try (ChatServer server = TestServers.start(config);
        TestClient alice = TestClient.connect(server.port(), aliceKey);
        TestClient bob = TestClient.join(server.port(), "bob")) {
      alice.send(new ClientMessage.Join("alice"));
      alice.await(ServerMessage.Welcome.class); // the JOIN took one of the burst of 2
      alice.send(new ClientMessage.Enter(TestClient.GENERAL, 0)); // and the ENTER the other
      alice.await(ServerMessage.Entered.class);
      alice.send(new ClientMessage.SignedHead(signed(aliceKey, TestClient.GENERAL)));
      ServerMessage.Error error = alice.awaitError(ErrorCode.RATE_LIMITED);
      assertEquals(ErrorCode.RATE_LIMITED.code(), error.code());
      // bob's own PING would be over the rate too: alice's LEFT, after anything of hers in the
      // room's order, is the barrier
      alice.reset();
      bob.awaitLeft("alice");
      assertTrue(bob.log().stream().noneMatch(ServerMessage.SignedHead.class::isInstance),
          "a rate-limited signed head is not relayed");
    }
  }
}
