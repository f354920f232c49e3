package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.Commands.Input;
import org.junit.jupiter.api.Test;

class CommandsTest {
  @Test
  void plainTextIsSaidAsTyped() {
    assertEquals(new Input.Say("  hi there "), Commands.parse("  hi there "));
  }

  @Test
  void msgTakesANameAndTheRestOfTheLine() {
    assertEquals(new Input.Msg("bob", "see  you"), Commands.parse("/msg bob see  you"));
    assertEquals(new Input.Msg("bob", "x"), Commands.parse("/MSG   bob x"));
  }

  @Test
  void doubleSlashSaysALineStartingWithSlash() {
    assertEquals(new Input.Say("/shrug"), Commands.parse("//shrug"));
  }

  @Test
  void whoQuitAndHelpTakeNoText() {
    assertEquals(new Input.Who(), Commands.parse("/who"));
    assertEquals(new Input.Quit(), Commands.parse("/quit"));
    assertEquals(new Input.Help(), Commands.parse("/help"));
  }

  @Test
  void quitTakesAPartingLineOfAtMostTwoHundredBytes() {
    assertEquals(new Input.Quit("see you tomorrow"), Commands.parse("/quit see you tomorrow"));
    assertEquals(new Input.Quit(""), Commands.parse("/quit   "));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/quit " + "x".repeat(201)));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/quit bye\u001B[2J"));
  }

  @Test
  void anUnknownCommandIsNotSentAndItsNameIsRenderedSafely() {
    Input.Invalid invalid = assertInstanceOf(Input.Invalid.class, Commands.parse("/x\u001B[2J y"));
    assertEquals("unknown command /x\\x1B[2J; /help lists the commands", invalid.why());
  }

  @Test
  void textBreakingTheTextRulesIsNotSent() {
    assertInstanceOf(Input.Invalid.class, Commands.parse("a\u202Eb"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("é".repeat(2049)));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/msg bob \u0007"));
    assertEquals(new Input.Say("é".repeat(2048)), Commands.parse("é".repeat(2048)));
  }

  @Test
  void joinersUsedByEmojiAreAllowed() {
    String family = "\uD83D\uDC69\u200D\uD83D\uDC67";
    assertEquals(new Input.Say(family), Commands.parse(family));
  }

  @Test
  void blankLinesAreIgnored() {
    assertEquals(new Input.Blank(), Commands.parse(""));
    assertEquals(new Input.Blank(), Commands.parse("   "));
  }

  @Test
  void msgWithoutTextExplainsTheUsage() {
    Input.Invalid invalid = assertInstanceOf(Input.Invalid.class, Commands.parse("/msg bob"));
    assertTrue(invalid.why().contains("/msg NAME TEXT"));
  }
}
