package dev.lanchat.bench;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.Batch;
import dev.lanchat.common.message.StrictUtf8;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A join storm: {@code clients} clients connect, authenticate, join and enter one room, a few at
 * a time, and each keeps the room's roster from its ROSTER pages and every membership notice
 * after its own JOINED.
 * The storm is over when every client's roster holds exactly the names of all clients; a LEFT,
 * a name seen twice, a refused join or a lost connection fails it.
 *
 * <p>A roster is kept as a count and a sum of name hashes, not a list, so that 10,000 clients
 * do not need 10,000² entries on the load side; a lost, duplicated or foreign name changes the
 * count or (with overwhelming likelihood) the sum. One run per instance.
 */
final class JoinStorm {
  /** What a storm measured. */
  record Result(int clients, long joinedNanos, long settledNanos, List<LoadClient> held,
      String problem) {
    boolean ok() {
      return problem == null;
    }
  }

  private final InetSocketAddress server;
  private final String prefix;
  private final int clients;
  private final int parallelism;
  private final long deadline;
  private final long expectedSum;
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final CountDownLatch settled;
  private final SecureRandom random = new SecureRandom();

  private JoinStorm(InetSocketAddress server, String prefix, int clients, int parallelism,
      long deadline) {
    this.server = server;
    this.prefix = prefix;
    this.clients = clients;
    this.parallelism = parallelism;
    this.deadline = deadline;
    this.settled = new CountDownLatch(clients);
    long sum = 0;
    for (int i = 0; i < clients; i++) {
      sum += LoadClient.hash(prefix + i);
    }
    this.expectedSum = sum;
  }

  /**
   * Runs a storm of {@code clients} joins against {@code server}; the clients stay connected
   * in {@link Result#held} (the caller closes them) so an idle measurement can follow.
   */
  static Result run(InetSocketAddress server, String prefix, int clients, int parallelism,
      long deadlineNanoTime) {
    return new JoinStorm(server, prefix, clients, parallelism, deadlineNanoTime).run();
  }

  private Result run() {
    List<LoadClient> held = new ArrayList<>(clients);
    ConcurrentLinkedQueue<LoadClient> connected = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    Semaphore slots = new Semaphore(parallelism);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients && failure.get() == null; i++) {
        if (!acquire(slots)) {
          break;
        }
        String name = prefix + i;
        pool.submit(() -> {
          try {
            LoadClient c = LoadClient.connect(server, name, remainingMillis(), random);
            connected.add(c);
            Thread.ofVirtual().name("storm-" + name).start(() -> keepRoster(c));
          } catch (IOException | RuntimeException e) {
            fail(name + " could not join: " + e.getMessage());
          } finally {
            slots.release();
          }
        });
      }
    }
    long joined = System.nanoTime() - start;
    held.addAll(connected);
    if (failure.get() == null) {
      awaitSettled();
    }
    long settledAt = System.nanoTime() - start;
    return new Result(clients, joined, settledAt, held, failure.get());
  }

  /**
   * Follows one client's roster until the connection ends; counts it down once complete. The
   * ROSTER it entered with lists everyone up to and including itself; its own JOINED is its
   * first live event, alone or inside a MEMBERS_CHANGED, and a change with an event id at or
   * below that one is therefore already in the roster.
   */
  private void keepRoster(LoadClient c) {
    View view = new View(c);
    boolean done = false;
    try {
      while (true) {
        if (!done && view.count == clients && view.sum == expectedSum) {
          done = true;
          settled.countDown();
        }
        Batch.Slice m = c.receiveSlice();
        if (!MembershipReader.changes(m, view)) {
          fail(c.name() + " got " + LoadClient.describe(m.decode()) + " during the storm");
        }
        if (view.count > clients) {
          fail(c.name() + " counts " + view.count + " members, more than joined");
        }
      }
    } catch (IOException e) {
      if (!done) {
        fail(c.name() + " lost its connection with " + view.count + " of " + clients
            + " members");
      }
    }
  }

  /** One client's roster as a count and a name sum, and the id of its own JOINED. */
  private final class View implements MembershipReader.Changes {
    private final LoadClient client;
    private final byte[] ownName;
    int count;
    long sum;
    private long ownId = -1;

    View(LoadClient client) {
      this.client = client;
      this.ownName = StrictUtf8.encode(client.name());
      this.count = client.roster().count();
      this.sum = client.roster().nameSum();
    }

    /**
     * The member named there entered as event {@code id}: new unless the roster already had it.
     * A change before this client's own JOINED (in the same MEMBERS_CHANGED, or flushed from the
     * same notice window in a record of its own when the flush is split) is in the roster it
     * entered with already.
     */
    @Override
    public void joined(long id, byte[] data, int offset, int length) throws ProtocolException {
      if (ownId < 0 && Arrays.equals(data, offset, offset + length, ownName, 0, ownName.length)) {
        ownId = id;
      } else if (ownId >= 0 && id > ownId) {
        count++;
        sum += LoadClient.hash(data, offset, length);
      }
    }

    @Override
    public void left(long id, byte[] data, int offset, int length) {
      fail(client.name() + " was told someone left during the storm");
    }
  }

  private void awaitSettled() {
    try {
      while (failure.get() == null && settled.getCount() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(settled.getCount() + " clients never had the whole roster");
          return;
        }
        settled.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  private boolean acquire(Semaphore slots) {
    try {
      if (slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return true;
      }
      fail("the deadline passed while clients were still joining");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
    return false;
  }

  private int remainingMillis() {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
  }

  private void fail(String problem) {
    failure.compareAndSet(null, problem);
  }

}
