package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.MemberChange;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MessageCodec} encode then decode of a typical chat line, as SAY and as MESSAGE; and the
 * decoding of a MEMBERS_CHANGED of 100 joins, which a join storm gives every member over and
 * over (issue 12); and the unpacking of a BATCH of 20 such MESSAGEs, as a busy room's member
 * receives them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {
  /** 73 characters, 78 UTF-8 bytes: mostly ASCII with one accented letter and one emoji. */
  static final String TYPICAL_LINE =
      "Lunch at 12:30 in the small room? I'll bring coffee \u2615 and a cr\u00e8me br\u00fbl\u00e9e.";

  private final Message say = new ClientMessage.Say(1, PlainWire.ROOM, TYPICAL_LINE);
  private final Message chat = PlainWire.chat(1, "alice", TYPICAL_LINE);
  private final byte[] hundredJoins = MessageCodec.encode(hundredJoins());
  private final byte[] twentyMessages = twentyMessages();

  private static byte[] twentyMessages() {
    List<byte[]> encoded = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      encoded.add(MessageCodec.encode(PlainWire.chat(1 + i, "alice", TYPICAL_LINE)));
    }
    List<byte[]> packed = Batch.pack(encoded, Batch.PACK_LIMIT);
    if (packed.size() != 1) {
      throw new IllegalStateException("twenty MESSAGEs fill more than one BATCH");
    }
    return packed.get(0);
  }

  private static ServerMessage hundredJoins() {
    List<MemberChange> changes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] key = new byte[Member.KEY_SIZE];
      key[0] = (byte) i;
      changes.add(new MemberChange.Joined(new Member("storm-" + (1000 + i), key)));
    }
    return new ServerMessage.MembersChanged(PlainWire.ROOM, 1,
        ByteString.copyOf(new byte[32]), 0, changes);
  }

  @Benchmark
  public ClientMessage sayEncodeDecode() throws ProtocolException {
    return MessageCodec.decodeClient(MessageCodec.encode(say));
  }

  @Benchmark
  public ServerMessage messageEncodeDecode() throws ProtocolException {
    return MessageCodec.decodeServer(MessageCodec.encode(chat));
  }

  @Benchmark
  public ServerMessage hundredJoinsDecode() throws ProtocolException {
    return MessageCodec.decodeServer(hundredJoins);
  }

  @Benchmark
  public List<ServerMessage> twentyMessagesUnpack() throws ProtocolException {
    return Batch.unpack(twentyMessages);
  }
}
