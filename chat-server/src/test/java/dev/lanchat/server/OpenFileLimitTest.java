package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OpenFileLimitTest {

  @Test
  void aLimitBelowWhatTheServersLimitsLetInIsWarnedAboutWithTheNumbersAndHowToRaiseIt() {
    Optional<String> warning = OpenFileLimit.warning(10_000, 256, OptionalLong.of(4_096));

    assertTrue(warning.isPresent());
    String text = warning.get();
    assertTrue(text.contains("--max-clients 10,000"), text);
    assertTrue(text.contains("up to 10,256 connections"), text);
    assertTrue(text.contains("may open only 4,096 files"), text);
    assertTrue(text.contains("ulimit -n 10320"), text);
    assertTrue(text.contains("LimitNOFILE=10320"), text);
  }

  @Test
  void theServersOwnFilesCountAsWellAsItsConnections() {
    long connections = 1_000 + 256;

    assertEquals(connections + OpenFileLimit.OWN_FILES, OpenFileLimit.needed(1_000, 256));
    assertTrue(OpenFileLimit.warning(1_000, 256, OptionalLong.of(connections)).isPresent(),
        "a limit that fits the connections but not the server's own files is too low");
    assertTrue(OpenFileLimit.warning(1_000, 256,
        OptionalLong.of(connections + OpenFileLimit.OWN_FILES)).isEmpty());
  }

  @Test
  void aLimitThatCoversEveryConnectionNeedsNoWarning() {
    assertTrue(OpenFileLimit.warning(10_000, 256, OptionalLong.of(524_288)).isEmpty());
  }

  @Test
  void anUnknownLimitIsNotGuessedAt() {
    assertTrue(OpenFileLimit.warning(1_000_000, 256, OptionalLong.empty()).isEmpty());
  }

  @Test
  void thisProcessLimitIsReadWhereTheJdkKnowsIt() {
    assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"),
        "the open-file limit is read on Linux and macOS");

    OptionalLong limit = OpenFileLimit.ofThisProcess();

    assertTrue(limit.isPresent());
    assertTrue(limit.getAsLong() > 0, "limit " + limit);
  }
}
