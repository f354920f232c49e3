package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.server.store.Retention;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code --history} and {@code --history-days} read as a {@link Retention}. */
class HistoryOptionsTest {
  @Command(name = "test")
  static final class Holder {
    @Mixin HistoryOptions history;
  }

  private static Retention parse(String... args) {
    Holder holder = new Holder();
    new CommandLine(holder).parseArgs(args);
    return holder.history.retention();
  }

  @Test
  void theDefaultKeeps10000EventsPerRoomWithNoAgeLimit() {
    assertEquals(new Retention(10_000, Optional.empty()), parse());
  }

  @Test
  void bothOptionsAreRead() {
    assertEquals(new Retention(500, Optional.of(Duration.ofDays(7))),
        parse("--history", "500", "--history-days", "7"));
    assertFalse(parse("--history", "0").keepsText());
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheOptionsName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("--history", "-1"));
    assertTrue(e.getMessage().contains("--history"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> parse("--history-days", "-2"));
    assertTrue(e.getMessage().contains("--history-days"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--history", "1000001"));
  }

  @Test
  void helpShowsBothWithTheirDefaults() {
    StringWriter out = new StringWriter();
    new CommandLine(new Holder()).usage(new PrintWriter(out));
    assertTrue(out.toString().contains("--history=N"), out.toString());
    assertTrue(out.toString().contains("(default: 10000)"), out.toString());
    assertTrue(out.toString().contains("--history-days=D"), out.toString());
  }
}
