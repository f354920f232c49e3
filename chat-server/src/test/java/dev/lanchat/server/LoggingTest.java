package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * One line per connect, join, leave and protocol error, with the peer; never message text; and
 * each client's leave once, however its end came.
 */
@Timeout(60)
class LoggingTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.lanchat");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void connectJoinLeaveAndProtocolErrorsAreLoggedWithThePeerButNeverMessageText()
      throws Exception {
    String secret = "the password is swordfish";
    try (ChatServer server = TestServers.start();
        TestClient alice = TestClient.join(server.port(), "alice")) {
      TestClient bob = TestClient.join(server.port(), "bob");
      bob.send(TestClient.say(secret));
      bob.send(TestClient.dm("alice", secret));
      bob.send(TestClient.say(secret + "\u0007")); // refused text is not logged either
      bob.send(new ClientMessage.Bye());
      alice.awaitLeft("bob");
      TestClient mallory = TestClient.join(server.port(), "mallory");
      mallory.sendRaw(new byte[] {0, 0, 0, 0});
      alice.awaitLeft("mallory");
    }
    List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("connect from 127.0.0.1:")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("join bob from 127.0.0.1:")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("leave bob from 127.0.0.1:")
        && l.endsWith(": bye")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("protocol error from 127.0.0.1:")),
        lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("leave mallory from 127.0.0.1:")
        && l.endsWith(": protocol error")), lines.toString());
    for (String line : lines) {
      assertFalse(line.contains("swordfish"), "message text in the log: " + line);
    }
  }

  @SuppressWarnings("try") // closing the server inside the try is the point
  @Test
  void aClientHereWhenTheServerStopsLeavesOnceInTheLog() throws Exception {
    try (ChatServer server = TestServers.start();
        TestClient alice = TestClient.join(server.port(), "alice")) {
      server.close(); // returns once alice, told BYE, has hung up and her connection ended
      alice.awaitClosed();
    }
    assertEquals(List.of("server shutting down"), leaves("alice"));
  }

  @SuppressWarnings("try") // stuck is held open and never read: that is the point
  @Test
  void aClientRemovedAsTooSlowLeavesOnceInTheLog() throws Exception {
    ServerConfig config = TestServers.config().toBuilder().backlog(16, 64 * 1024).build();
    try (ChatServer server = TestServers.start(config);
        TestClient sender = TestClient.join(server.port(), "sender");
        Socket stuck = TestClient.joinWithoutReading(server.port(), "stuck")) {
      sender.awaitMatching(m -> m instanceof ServerMessage.Joined j
          && j.member().name().equals("stuck"), "JOINED stuck");
      String line = "y".repeat(4000);
      // bounded: 2,000 lines of 4 KB are far more than every buffer between here and "stuck"
      for (int sent = 0; sent < 2000 && server.clientCount() > 1; sent++) {
        sender.send(TestClient.say(line));
        if (sent % 32 == 31) {
          sender.sync();
        }
      }
      long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
      while (server.clientCount() > 1 && System.nanoTime() < deadline) { // its connection ends
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertEquals(1, server.clientCount(), "the stuck client's connection ended");
    }
    assertEquals(List.of("too slow"), leaves("stuck"));
  }

  /** The reasons of every "leave NAME" line logged, in order. */
  private List<String> leaves(String name) {
    String start = "leave " + name + " from ";
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(l -> l.startsWith(start))
        .map(l -> l.substring(l.indexOf(": ", start.length()) + 2))
        .toList();
  }
}
