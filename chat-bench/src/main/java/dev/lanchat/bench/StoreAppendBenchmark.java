package dev.lanchat.bench;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.server.store.AppendResult;
import dev.lanchat.server.store.Checkpointer;
import dev.lanchat.server.store.EventEncoder;
import dev.lanchat.server.store.History;
import dev.lanchat.server.store.Retention;
import dev.lanchat.server.store.RoomEventDraft;
import dev.lanchat.server.store.Store;
import dev.lanchat.server.store.StoreException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the store costs a room per line (the part of a SAY its room's lock waits for): one
 * MESSAGE appended alone, and eight appended in one transaction as a room's group commit does
 * when eight lines queued behind its lock. Each line has a fresh client message id from one of
 * ten senders, each of whom already has {@link History#SENT_PER_KEY} ids remembered, so every
 * line also forgets its sender's oldest id, as on a server that has run a while. Store on disk,
 * in a temporary folder, durability as a room event has it, checkpointed by a {@link
 * Checkpointer} as a server's is. {@code events} is the server's {@code --history}: 10,000 keeps
 * each event's row, 0 keeps only the client message id and the room's head, so the two give the
 * event row's share of a line's cost. With event rows kept, a line's client message id and its
 * room's tip wait in memory and are written later, in groups: by the checkpointer's thread every
 * 200 ms, and by a line's own transaction whenever 2,048 ids wait, which at this benchmark's pace
 * is most of them, so the score pays for nearly all of those groups too.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StoreAppendBenchmark {
  private static final int SENDERS = 10;
  private static final int MESSAGE = 0x21;
  private static final int GROUP = 8;

  private final List<ByteString> senders = new ArrayList<>();
  private final EventEncoder encoder = (id, head) -> new byte[180]; // a MESSAGE's size
  private Store store;
  private Checkpointer checkpointer;
  private History history;
  private long nextId;

  /** The server's {@code --history}: events kept per room (0: no event rows at all). */
  @Param({"10000", "0"})
  public int events;

  @Setup(Level.Trial)
  public void setUp() throws StoreException {
    Random random = new Random(20261206L);
    for (int i = 0; i < SENDERS; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      senders.add(ByteString.copyOf(key));
    }
    store = Store.open(ScratchStore.fresh(), Clock.systemUTC());
    history = store.history(Retention.of(events, 0));
    checkpointer = store.startCheckpointer(); // as a server runs it: no commit checkpoints
    for (int i = 0; i < History.SENT_PER_KEY * SENDERS / 100; i++) {
      appendTogether(100); // every sender starts with its ids remembered to the limit
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    checkpointer.close();
    store.close();
  }

  private RoomEventDraft next() {
    long id = nextId++;
    return RoomEventDraft.ofMember("#general", System.currentTimeMillis(), MESSAGE,
        senders.get((int) (id % SENDERS)), id);
  }

  private List<AppendResult> appendTogether(int lines) throws StoreException {
    List<RoomEventDraft> drafts = new ArrayList<>(lines);
    List<EventEncoder> encoders = new ArrayList<>(lines);
    for (int i = 0; i < lines; i++) {
      drafts.add(next());
      encoders.add(encoder);
    }
    return history.appendEach(drafts, encoders);
  }

  /** One line, one transaction: a quiet room. */
  @Benchmark
  public AppendResult oneLineAlone() throws StoreException {
    return history.append(next(), encoder);
  }

  /** Eight lines in one transaction: a busy room's group commit. Time per line. */
  @Benchmark
  @OperationsPerInvocation(GROUP)
  public List<AppendResult> eightLinesTogether() throws StoreException {
    return appendTogether(GROUP);
  }
}
