package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.Commands.Input;
import java.util.Optional;
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
  void whoisTakesExactlyOneValidName() {
    assertEquals(new Input.Whois("bob"), Commands.parse("/whois  bob "));
    assertEquals(new Input.Invalid("usage: /whois NAME"), Commands.parse("/whois"));
    assertEquals(new Input.Invalid("usage: /whois NAME"), Commands.parse("/whois bob carol"));
    Input.Invalid bad = assertInstanceOf(Input.Invalid.class, Commands.parse("/whois b\u001Bob"));
    assertTrue(bad.why().startsWith("b\\x1Bob is not a valid name"), bad.why());
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

  @Test
  void joinAndSwitchTakeOneRoomWithTheHashOptional() {
    assertEquals(new Input.Join("#dev"), Commands.parse("/join #dev"));
    assertEquals(new Input.Join("#dev"), Commands.parse("/JOIN dev "));
    assertEquals(new Input.Switch("#Dev-2"), Commands.parse("/switch #Dev-2"));
    assertEquals(new Input.Invalid("usage: /join #ROOM"), Commands.parse("/join"));
    assertEquals(new Input.Invalid("usage: /switch #ROOM"), Commands.parse("/switch #a #b"));
    Input.Invalid bad = assertInstanceOf(Input.Invalid.class, Commands.parse("/join #caf\u00e9"));
    assertTrue(bad.why().contains("not a valid room name"), bad.why());
    assertInstanceOf(Input.Invalid.class, Commands.parse("/join #" + "a".repeat(33)));
    assertEquals(new Input.Join("#" + "a".repeat(32)), Commands.parse("/join #" + "a".repeat(32)));
  }

  @Test
  void partTakesAnOptionalRoomThenAnOptionalMessage() {
    assertEquals(new Input.Part(Optional.empty(), ""), Commands.parse("/part"));
    assertEquals(new Input.Part(Optional.of("#dev"), ""), Commands.parse("/part #dev"));
    assertEquals(new Input.Part(Optional.of("#dev"), "lunch"), Commands.parse("/part #dev lunch"));
    assertEquals(new Input.Part(Optional.empty(), "off to lunch"),
        Commands.parse("/part off to lunch"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/part #d\u00e9v"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/part " + "x".repeat(201)));
  }

  @Test
  void topicAloneShowsItADashClearsItAndTextSetsIt() {
    assertEquals(new Input.ShowTopic(), Commands.parse("/topic"));
    assertEquals(new Input.SetTopic(""), Commands.parse("/topic -"));
    assertEquals(new Input.SetTopic("release on friday"),
        Commands.parse("/topic release on friday "));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/topic " + "x".repeat(201)));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/topic a\u001Bb"));
  }

  @Test
  void meNickAwayBackAndRoomsParse() {
    assertEquals(new Input.Me("waves"), Commands.parse("/me waves"));
    assertEquals(new Input.Invalid("usage: /me ACTION"), Commands.parse("/me  "));
    assertEquals(new Input.Nick("al"), Commands.parse("/nick al"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/nick -al"));
    assertEquals(new Input.Away("lunch"), Commands.parse("/away lunch"));
    assertEquals(new Input.Away(Commands.DEFAULT_AWAY), Commands.parse("/away"));
    assertEquals(new Input.Away(""), Commands.parse("/back"));
    assertEquals(new Input.Rooms(), Commands.parse("/rooms"));
  }

  @Test
  void ignoreTakesANameAndAloneLists() {
    assertEquals(new Input.Ignore("bob"), Commands.parse("/ignore bob"));
    assertEquals(new Input.Ignored(), Commands.parse("/ignore"));
    assertEquals(new Input.Unignore("bob"), Commands.parse("/unignore bob"));
    assertEquals(new Input.Invalid("usage: /unignore NAME"), Commands.parse("/unignore"));
  }

  @Test
  void anEntryOfSeveralLinesIsOneMessageForTextMsgAndMeOnly() {
    String paste = "Exception in thread main\n    at Foo.bar(Foo.java:1)\n    at Foo.main";
    assertEquals(new Input.Say(paste), Commands.parse(paste));
    assertEquals(new Input.Msg("bob", paste), Commands.parse("/msg bob " + paste));
    assertEquals(new Input.Me("waves\nand leaves"), Commands.parse("/me waves\nand leaves"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/join #a\n#b"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("/topic a\nb"));
    assertEquals(new Input.Blank(), Commands.parse(" \n \n"));
    assertInstanceOf(Input.Invalid.class, Commands.parse("a\n\u0007"),
        "a line feed is the only control character allowed");
  }

  @Test
  void aFortyLineEntryWithinTheByteLimitIsOneMessage() {
    StringBuilder paste = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      paste.append(i == 1 ? "" : "\n").append("line ").append(i);
    }
    assertEquals(new Input.Say(paste.toString()), Commands.parse(paste.toString()));
    String tooLong = (("x".repeat(99) + "\n").repeat(41)).strip();
    assertInstanceOf(Input.Invalid.class, Commands.parse(tooLong), "4,096 bytes at most");
  }

  @Test
  void helpStartsEveryDescriptionInOneColumnAfterTwoSpaces() {
    int column = -1;
    for (String line : Commands.HELP) {
      int at = line.indexOf("  ", 2); // the usage ends at the first double space
      assertTrue(at > 2, line);
      int starts = at;
      while (line.charAt(starts) == ' ') {
        starts++;
      }
      column = column < 0 ? starts : column;
      assertEquals(column, starts, "where the description starts in: " + line);
    }
  }

  @Test
  void aMistypedCommandIsNamedWithTheNearestOne() {
    assertEquals(new Input.Invalid("unknown command /jion; did you mean /join?; /help lists the "
        + "commands"), Commands.parse("/jion #dev"));
    assertEquals(new Input.Invalid("unknown command /frobnicate; /help lists the commands"),
        Commands.parse("/frobnicate"));
  }

  @Test
  void helpNamesEveryCommand() {
    for (String command : Commands.NAMES) {
      assertTrue(Commands.HELP.stream().anyMatch(line -> line.startsWith("* " + command + " ")),
          command + " is missing from /help");
      assertTrue(!(Commands.parse(command) instanceof Input.Invalid invalid)
          || invalid.why().startsWith("usage:"), command + " is not a command");
    }
  }
}
