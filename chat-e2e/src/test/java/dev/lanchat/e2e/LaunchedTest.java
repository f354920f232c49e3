package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The process helper hands out a process's whole output once the process has ended. */
class LaunchedTest {
  private static final int LINES = 20_000;
  private static final int RUNS = 10;

  @Test
  void afterExitEveryPrintedLineIsInTheOutput() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      Process process = new ProcessBuilder("sh", "-c",
          "seq 1 " + LINES + "; seq 1 " + LINES + " >&2").start();
      try (Launched launched = Launched.of("seq", process)) {
        assertEquals(0, launched.awaitExit());
        List<String> out = launched.stdout();
        List<String> err = launched.stderr();
        assertEquals(LINES, out.size(), "stdout lines, run " + run);
        assertEquals(String.valueOf(LINES), out.get(LINES - 1));
        assertEquals(LINES, err.size(), "stderr lines, run " + run);
      }
    }
  }

  @Test
  void waitingForALineThatNeverComesFailsOnceTheProcessAndItsOutputHaveEnded() throws Exception {
    Process process = new ProcessBuilder("sh", "-c", "seq 1 1000").start();
    try (Launched launched = Launched.of("seq", process)) {
      assertEquals("1000", launched.awaitOut(line -> line.equals("1000"), "the last line"));
      long start = System.nanoTime();
      assertThrows(AssertionError.class, () -> launched.awaitOut("never printed"));
      // it gave up because the process ended, not because the 30 s wait ran out
      assertTrue(System.nanoTime() - start < Launched.WAIT.toNanos());
    }
  }
}
