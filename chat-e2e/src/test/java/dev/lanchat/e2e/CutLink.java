package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.testing.FaultProxy;
import dev.lanchat.common.testing.Tamper;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network link between one client and the server that a test can cut, as a Wi-Fi blip or a
 * closed laptop lid would: {@link #cut()} resets (TCP RST) the open connection at its next
 * frame, and while the link is down every new connection is reset at its first frame, so the
 * client's reconnect attempts fail until {@link #restore()}. Built on chat-common's
 * {@link FaultProxy}; loopback only.
 */
final class CutLink implements AutoCloseable {
  private final FaultProxy proxy;
  private final AtomicInteger generation = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private volatile boolean down;
  private volatile CountDownLatch cutDone = new CountDownLatch(0);

  private CutLink(int serverPort) throws IOException {
    this.proxy = FaultProxy.start(serverPort, this::plan);
  }

  /** A link to the server on loopback {@code serverPort}; clients connect to {@link #port()}. */
  static CutLink to(int serverPort) throws IOException {
    return new CutLink(serverPort);
  }

  /** Where the client connects. */
  int port() {
    return proxy.port();
  }

  /** Connections the client opened through the link so far (a reconnect adds one). */
  int connections() {
    return connections.get();
  }

  private FaultProxy.Plan plan() {
    connections.incrementAndGet();
    int born = generation.get();
    Tamper tamper = (index, frame) -> {
      if (down || generation.get() != born) {
        resets.incrementAndGet();
        cutDone.countDown();
        return new Tamper.Action.Reset();
      }
      return new Tamper.Action.Emit(List.of(frame));
    };
    return new FaultProxy.Plan(tamper, tamper, FaultProxy.Chunking.WHOLE);
  }

  /** Takes the link down: the open connection is reset at its next frame, in either direction. */
  void cut() {
    cutDone = new CountDownLatch(1);
    down = true;
    generation.incrementAndGet();
  }

  /** Waits until the cut has reset a connection (a frame had to pass for that). */
  void awaitReset() throws InterruptedException {
    if (!cutDone.await(Launched.WAIT.toSeconds(), TimeUnit.SECONDS)) {
      fail("no frame crossed the cut link within " + Launched.WAIT);
    }
  }

  /** Brings the link back: the next connection attempt goes through. */
  void restore() {
    down = false;
  }

  @Override
  public void close() {
    proxy.close();
  }
}
