package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The terminal console, driven through a virtual JLine terminal. */
class InteractiveConsoleTest {
  @Test
  void anIncomingLineIsPrintedAboveAndTheHalfTypedLineIsRedrawnIntact() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<String> line = CompletableFuture.supplyAsync(console::readLine);
      vt.type("half a li");
      int typed = vt.await("> half a li", 0);

      console.event("12:01 <bob> hi there");
      int shown = vt.await("12:01 <bob> hi there", typed);
      int redrawn = vt.await("> half a li", shown);
      String between = vt.drawn().substring(shown, redrawn);
      assertTrue(between.contains("\n"), "the message gets a line of its own above the prompt: "
          + VirtualTerminal.visible(between));

      vt.type("ne\r");
      assertEquals("half a line", line.get(10, TimeUnit.SECONDS), "what was typed is intact");
      console.close();
    }
  }

  @Test
  void tabCompletesCommandsAndNames() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      console.completeNamesFrom(() -> List.of("bob", "carol"));
      CompletableFuture<String> line = CompletableFuture.supplyAsync(console::readLine);
      vt.type("/ms\t");
      vt.await("/msg ", 0);
      vt.type("ca\t");
      vt.await("carol ", 0);
      vt.type("hi\r");
      assertEquals("/msg carol hi", line.get(10, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void endOfInputReadsAsNull() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<String> line = CompletableFuture.supplyAsync(console::readLine);
      vt.await("> ", 0);
      vt.type("\u0004"); // Ctrl-D on an empty line
      assertEquals(null, line.get(10, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void ctrlCTwiceWithinTwoSecondsQuitsEvenWithTextOnTheLine() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<String> line = CompletableFuture.supplyAsync(console::readLine);
      vt.type("half");
      int at = vt.await("> half", 0);
      vt.type("\u0003"); // clears the line, keeps reading
      vt.await("> ", at + 1);
      vt.type("again");
      vt.await("again", at);
      vt.type("\u0003"); // a second Ctrl-C well within 2 s: quit
      assertEquals(null, line.get(10, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void closingWhileThePromptWaitsErasesItSoTheShellGetsACleanLine() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture.runAsync(console::readLine);
      int at = vt.await("> ", 0);
      // the session ended on another thread (the server left) while the user sat at the prompt
      // what close() does first; awaited before the close, which stops the virtual terminal's
      // output pump (a real terminal gets the bytes at once)
      console.erasePrompt();
      vt.await("\r\u001B[K", at);
      console.close();
    }
  }

  @Test
  void aBracketedPasteOfManyLinesIsOneEntryWithItsLineFeeds() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture<String> line = CompletableFuture.supplyAsync(console::readLine);
      vt.await("> ", 0);
      vt.type("\u001B[200~first line\r\n\tsecond line\rthird line\r\n\u001B[201~");
      vt.await("third line", 0);
      assertTrue(!line.isDone(), "a paste is not sent until Enter");
      vt.type("\r");
      assertEquals("first line\n    second line\nthird line", line.get(10, TimeUnit.SECONDS),
          "line ends made line feeds, a tab (forbidden in text) four spaces, the last end gone");
      console.close();
    }
  }

  @Test
  void tabCompletesRoomNames() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      console.completeNamesFrom(() -> List.of("bob"));
      console.completeRoomsFrom(() -> List.of("#general", "#dev"));
      CompletableFuture<String> line = CompletableFuture.supplyAsync(console::readLine);
      vt.type("/join #d\t");
      vt.await("#dev ", 0);
      vt.type("\r");
      assertEquals("/join #dev ", line.get(10, TimeUnit.SECONDS));
      console.close();
    }
  }

  @Test
  void linesAfterTheFirstOfAMessageAreIndentedUnderItsText() throws Exception {
    try (VirtualTerminal vt = new VirtualTerminal()) {
      InteractiveConsole console = new InteractiveConsole(vt.terminal(), false);
      CompletableFuture.runAsync(console::readLine);
      int at = vt.await("> ", 0);
      console.event("12:01 <bob> ", List.of("one", "two"));
      int first = vt.await("12:01 <bob> one", at);
      int second = vt.await("two", first);
      assertTrue(vt.drawn().substring(first, second).endsWith("\n" + " ".repeat(12)),
          VirtualTerminal.visible(vt.drawn().substring(first, second)));
      console.close();
    }
  }
}
