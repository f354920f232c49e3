package dev.lanchat.client;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.DiscoveryResponder;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link DiscoveryResponder} inside a network namespace for {@link
 * DiscoveryNamespaceTest}: {@code IDENTITY-PEM TCP-PORT NAME}. Prints {@code READY <udp port>},
 * then answers until its standard input closes, or for 60 s at most.
 */
public final class DiscoveryNamespaceResponderMain {
  private DiscoveryNamespaceResponderMain() {}

  public static void main(String[] args) throws Exception {
    Identity identity = Identity.load(Path.of(args[0]));
    int tcpPort = Integer.parseInt(args[1]);
    CountDownLatch stdinClosed = new CountDownLatch(1);
    Thread.ofPlatform().daemon().start(() -> {
      try {
        while (System.in.read() >= 0) {
          // drain until the test closes our input
        }
      } catch (java.io.IOException e) {
        // closed: same as end of input
      }
      stdinClosed.countDown();
    });
    try (DiscoveryResponder responder =
        DiscoveryResponder.start(null, 0, tcpPort, identity, args[2], 20)) {
      System.out.println("READY " + responder.port());
      System.out.flush();
      stdinClosed.await(60, TimeUnit.SECONDS);
    }
    System.out.println("STOPPED");
  }
}
