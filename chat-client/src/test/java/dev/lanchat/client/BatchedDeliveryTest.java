package dev.lanchat.client;

import static dev.lanchat.client.FakeServer.T1201;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's side of batches (protocol §5.13): it asks for them and reads them as records. */
class BatchedDeliveryTest {
  @TempDir
  Path home;

  @Test
  void theClientSendsBatchOkRightAfterWelcomeBeforeAnythingElse() throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = ClientRun.aliceAgainst(server, home);
      try (FakeServer.Peer peer = server.accept()) {
        assertEquals(new ClientMessage.Join("alice"), peer.receive());
        peer.send(new ServerMessage.Welcome("alice", "fake", "", 0, 0, 20));
        assertEquals(new ClientMessage.BatchOk(), peer.nextAsItCame());
        assertInstanceOf(ClientMessage.E2eKey.class, peer.nextAsItCame());
        client.endInput();
      }
      client.exitCode();
    }
  }

  @Test
  void aBatchIsShownExactlyAsTheSameMessagesInRecordsOfTheirOwn() throws Exception {
    // made after each WELCOME: a room's event ids only grow, and the client drops an older one
    Supplier<List<ServerMessage>> messages = () -> List.of(FakeServer.chat(T1201, "bob", "one"),
        FakeServer.dm(T1201, "bob", "alice", "two"), FakeServer.joined(T1201, "carol"),
        FakeServer.chat(T1201, "carol", "three"), FakeServer.left(T1201, "bob", "", ""));
    List<String> alone = shown(false, messages);
    List<String> batched = shown(true, messages);

    // the first line names the fake server's port, which differs between the two runs
    assertEquals(alone.subList(1, alone.size()), batched.subList(1, batched.size()));
    assertTrue(batched.containsAll(List.of("12:01 <bob> one", "12:01 [bob -> alice] two",
        "12:01 * carol joined", "12:01 <carol> three", "12:01 * bob left")), batched.toString());
  }

  @Test
  void aMalformedBatchEndsTheConnectionAndNoneOfItIsShown() throws Exception {
    byte[] chat = MessageCodec.encode(FakeServer.chat(T1201, "bob", "never shown"));
    byte[] good = Batch.pack(List.of(chat, chat), Batch.PACK_LIMIT).get(0);
    byte[] zeroLength = HexFormat.of().parseHex(HexFormat.of().formatHex(good) + "0000");
    try (FakeServer server = new FakeServer()) {
      ClientRun client = ClientRun.aliceAgainst(server, home);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("");
        peer.sendRaw(zeroLength);
        peer.expectEnd();
      }
      client.exitCode();
      assertFalse(client.out().contains("never shown"), client.out());
      assertTrue(client.err().contains("the server broke the protocol (BATCH: an empty message"),
          client.err());
    }
  }

  /** What a piped client prints for {@code messages}, sent in one BATCH or one record each. */
  private List<String> shown(boolean batched, Supplier<List<ServerMessage>> made)
      throws Exception {
    try (FakeServer server = new FakeServer()) {
      ClientRun client = ClientRun.aliceAgainst(server, home);
      try (FakeServer.Peer peer = server.accept()) {
        peer.welcome("", "bob");
        assertTrue(peer.batchOk(), "the client sent BATCH_OK before it entered #general");
        List<ServerMessage> messages = made.get();
        if (batched) {
          List<byte[]> encoded = new ArrayList<>();
          messages.forEach(m -> encoded.add(MessageCodec.encode(m)));
          List<byte[]> records = Batch.pack(encoded, Batch.PACK_LIMIT);
          assertEquals(1, records.size());
          peer.sendRaw(records.get(0));
        } else {
          peer.send(messages.toArray(ServerMessage[]::new));
        }
        client.endInput();
        peer.answerGoodbye();
      }
      client.exitCode();
      return client.outLines();
    }
  }
}
