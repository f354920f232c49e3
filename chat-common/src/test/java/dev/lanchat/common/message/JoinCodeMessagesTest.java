package dev.lanchat.common.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.common.pake.JoinCodeClient;
import dev.lanchat.common.pake.JoinCodeServer;
import dev.lanchat.common.pake.SessionBinding;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The six join-code messages in the codec: the type numbers of protocol §4.2 and §4.3, bodies
 * exactly as the pake package encodes them, strict parsing, and each type only in its direction.
 */
class JoinCodeMessagesTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** One exchange's six messages (for {@code MessageCodecTest}'s generator too). */
  static final Message[] EXCHANGE = exchangeOrFail();

  private static Message[] exchangeOrFail() {
    try {
      return exchange();
    } catch (ProtocolException e) {
      throw new AssertionError("a real exchange is well-formed", e);
    }
  }

  /** One real exchange's six messages, in the order they travel. */
  private static Message[] exchange() throws ProtocolException {
    JoinCode code = JoinCode.parse("7-crater-lantern");
    byte[] th = new byte[32];
    Arrays.fill(th, (byte) 6);
    SessionBinding session = new SessionBinding(th, Identity.generate(RANDOM).publicKey(),
        Identity.generate(RANDOM).publicKey());
    JoinCodeClient client = JoinCodeClient.start(code, session, RANDOM);
    JoinCodeServer server = JoinCodeServer.start(code, session, RANDOM, client.round1());
    JoinCodeClient.Reply reply = client.reply(server.round1(), server.round2());
    JoinCodeServer.Matched matched = assertInstanceOf(JoinCodeServer.Matched.class,
        server.finish(reply.round2(), reply.confirm()));
    return new Message[] {
        new ClientMessage.JoinCode1(client.round1()),
        new ServerMessage.JoinCode1(server.round1()),
        new ServerMessage.JoinCode2(server.round2()),
        new ClientMessage.JoinCode2(reply.round2()),
        new ClientMessage.JoinCodeConfirm(reply.confirm()),
        new ServerMessage.JoinCodeConfirm(matched.reply())};
  }

  @Test
  void eachJoinCodeMessageHasItsAssignedTypeAndRoundTripsToTheSameBytes() throws Exception {
    Message[] messages = exchange();
    int[] types = {0x17, 0x29, 0x2A, 0x18, 0x19, 0x2B};
    for (int i = 0; i < messages.length; i++) {
      byte[] encoded = MessageCodec.encode(messages[i]);
      assertEquals(types[i], encoded[0] & 0xFF, messages[i].getClass().getSimpleName());
      Message decoded = MessageCodec.decode(encoded);
      assertEquals(messages[i].getClass(), decoded.getClass());
      assertArrayEquals(encoded, MessageCodec.encode(decoded), "one encoding per value");
    }
  }

  @Test
  void theClientsRound1CarriesTheInviteNumberFirst() throws Exception {
    byte[] encoded = MessageCodec.encode(exchange()[0]);
    assertEquals(7, encoded[1], "invite: u8 right after the type byte");
    assertEquals("0041", HexFormat.of().formatHex(encoded, 2, 4), "then X1's u16 length, 65");
  }

  @Test
  void joinCodeMessagesAreRefusedInTheOtherDirection() throws Exception {
    Message[] messages = exchange();
    for (Message m : messages) {
      byte[] encoded = MessageCodec.encode(m);
      if (m instanceof ClientMessage) {
        assertThrows(ProtocolException.class, () -> MessageCodec.decodeServer(encoded));
      } else {
        assertThrows(ProtocolException.class, () -> MessageCodec.decodeClient(encoded));
      }
    }
  }

  @Test
  void aJoinCodeBodyCutShortOrWithATrailingByteIsAProtocolError() throws Exception {
    for (Message m : exchange()) {
      byte[] encoded = MessageCodec.encode(m);
      for (int cut : new int[] {1, 2, encoded.length - 1}) {
        byte[] shorter = Arrays.copyOf(encoded, cut);
        assertThrows(ProtocolException.class, () -> MessageCodec.decode(shorter),
            "cut at " + cut);
      }
      byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
      assertThrows(ProtocolException.class, () -> MessageCodec.decode(longer));
    }
  }

  @Test
  void anInviteNumberAbove99IsAProtocolError() throws Exception {
    byte[] encoded = MessageCodec.encode(exchange()[0]);
    encoded[1] = 100;
    assertThrows(ProtocolException.class, () -> MessageCodec.decodeClient(encoded));
  }
}
