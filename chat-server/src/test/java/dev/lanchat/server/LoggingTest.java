package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanchat.common.message.ClientMessage;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** One line per connect, join, leave and protocol error, with the peer; never message text. */
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
}
