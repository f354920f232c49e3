package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
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

/** {@link MessageCodec} encode then decode of a typical chat line, as SAY and as MESSAGE. */
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

  @Benchmark
  public ClientMessage sayEncodeDecode() throws ProtocolException {
    return MessageCodec.decodeClient(MessageCodec.encode(say));
  }

  @Benchmark
  public ServerMessage messageEncodeDecode() throws ProtocolException {
    return MessageCodec.decodeServer(MessageCodec.encode(chat));
  }
}
