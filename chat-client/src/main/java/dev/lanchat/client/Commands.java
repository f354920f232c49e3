package dev.lanchat.client;

import dev.lanchat.common.rules.RoomNames;
import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.rules.Typos;
import dev.lanchat.common.rules.Texts;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses what the user entered into an {@link Input}: plain text is said in the current room,
 * a line starting with {@code /} is a command, and {@code //} sends a line that starts with
 * {@code /}. An entry may hold line feeds (a bracketed paste at a terminal): said text,
 * {@code /msg} and {@code /me} carry them as one message; any other command must be one line.
 * Text is checked against the protocol's rules here, so a bad entry is explained locally and
 * never sent (the server remains the authority). Stateless.
 */
public final class Commands {
  /** The command names, for completion and help. */
  public static final List<String> NAMES = List.of("/join", "/part", "/switch", "/rooms",
      "/topic", "/who", "/whois", "/msg", "/me", "/nick", "/away", "/back", "/ignore",
      "/unignore", "/quit", "/help");

  /** What {@code /help} shows, one line each, every description starting in one column. */
  public static final List<String> HELP = aligned(List.of(
      new HelpEntry("TEXT",
          "say TEXT in the current room (start with // to say something that starts with /)"),
      new HelpEntry("/join #ROOM",
          "enter ROOM (made if new) and make it the current room; if you are in it, switch to it"),
      new HelpEntry("/join #ROOM --e2e", "make a new ROOM end-to-end: only its members can read "
          + "it, not the server (/rooms marks it " + NoticeFormat.LOCK + ")"),
      new HelpEntry("/part [#ROOM] [MSG]",
          "leave ROOM (default: the current one), MSG shown to its members"),
      new HelpEntry("/switch #ROOM", "make ROOM, which you are in, the current room"),
      new HelpEntry("/rooms", "list the rooms with their member counts and topics"),
      new HelpEntry("/topic [TEXT]",
          "show the current room's topic, or set it (/topic - clears it)"),
      new HelpEntry("/who", "list who is in the current room (away members marked)"),
      new HelpEntry("/whois NAME",
          "show NAME's key fingerprint (to compare with what NAME sees) and away text"),
      new HelpEntry("/msg NAME TEXT", "send TEXT to NAME only, end-to-end: sealed so that only "
          + "NAME can read it (kept for NAME if NAME is offline)"),
      new HelpEntry("/me ACTION", "show * YOU ACTION in the current room"),
      new HelpEntry("/nick NEW", "take the name NEW; your key's old name becomes free"),
      new HelpEntry("/away [TEXT]", "mark yourself away (shown in /who and to those who DM you)"),
      new HelpEntry("/back", "you are back"),
      new HelpEntry("/ignore [NAME]",
          "hide NAME's lines (kept for this server); alone: list who is ignored"),
      new HelpEntry("/unignore NAME", "show NAME's lines again"),
      VerifyCommand.HELP,
      new HelpEntry("/quit [MESSAGE]",
          "leave, MESSAGE shown to everyone (so does end of input, Ctrl-D)"),
      new HelpEntry("/help", "show this")));

  /** The entries as {@code /help} lines: the usages padded to the longest one, plus two. */
  static List<String> aligned(List<HelpEntry> entries) {
    int column = entries.stream().mapToInt(e -> e.usage().length()).max().orElse(0) + 2;
    return entries.stream()
        .map(e -> "* " + e.usage() + " ".repeat(column - e.usage().length()) + e.does())
        .toList();
  }

  /** The {@code /join} option that makes a new room end-to-end. */
  static final String E2E_OPTION = "--e2e";

  /** What {@code /away} without a text says. */
  static final String DEFAULT_AWAY = "away";

  private Commands() {}

  /** What one entry asks for. */
  public sealed interface Input {
    /** Say {@code text} in the current room. */
    record Say(String text) implements Input {}

    /** Send {@code text} to {@code to} only. */
    record Msg(String to, String text) implements Input {}

    /** Show {@code text} as an action of ours in the current room ({@code /me}). */
    record Me(String text) implements Input {}

    /** Ask who is in the current room. */
    record Who() implements Input {}

    /** Show the key fingerprint of {@code name}, as the server named it (answered locally). */
    record Whois(String name) implements Input {}

    /**
     * Enter {@code room}, or switch to it when we are in it already; {@code endToEnd}
     * ({@code --e2e}) makes a new room end-to-end.
     */
    record Join(String room, boolean endToEnd) implements Input {
      /** A join without {@code --e2e}. */
      public Join(String room) {
        this(room, false);
      }
    }

    /** Leave {@code room} (the current one when empty) with a parting line (may be empty). */
    record Part(Optional<String> room, String message) implements Input {
      public Part {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(message, "message");
      }
    }

    /** Make {@code room}, which we are in, the current room. */
    record Switch(String room) implements Input {}

    /** List the rooms. */
    record Rooms() implements Input {}

    /** Show the current room's topic (answered locally). */
    record ShowTopic() implements Input {}

    /** Set the current room's topic; empty clears it. */
    record SetTopic(String topic) implements Input {}

    /** Take the name {@code name}. */
    record Nick(String name) implements Input {}

    /** Set our away text; empty means back. */
    record Away(String text) implements Input {}

    /** Hide {@code name}'s lines from now on. */
    record Ignore(String name) implements Input {}

    /** Show {@code name}'s lines again. */
    record Unignore(String name) implements Input {}

    /** List the names ignored on this server. */
    record Ignored() implements Input {}

    /** Leave, with a parting line (empty for none) shown in everyone's "left" line. */
    record Quit(String message) implements Input {
      public Quit {
        Objects.requireNonNull(message, "message");
      }

      /** Leave without a parting line. */
      public Quit() {
        this("");
      }
    }

    /** Show the commands. */
    record Help() implements Input {}

    /** An empty or all-blank line: nothing to do. */
    record Blank() implements Input {}

    /** A line that is not sent; {@code why} is a terminal-safe explanation. */
    record Invalid(String why) implements Input {}
  }

  /** Parses one entry, without its final line end. */
  public static Input parse(String line) {
    if (line.isBlank()) {
      return new Input.Blank();
    }
    if (line.startsWith("//")) {
      return say(line.substring(1));
    }
    if (!line.startsWith("/")) {
      return say(line);
    }
    int space = indexOfSpace(line);
    String typed = space < 0 ? line : line.substring(0, space);
    String command = typed.toLowerCase(Locale.ROOT);
    String rest = space < 0 ? "" : line.substring(space + 1).stripLeading();
    if (rest.indexOf('\n') >= 0 && !command.equals("/msg") && !command.equals("/me")) {
      return new Input.Invalid(TerminalText.render(typed) + " takes one line; only text, "
          + "/msg and /me may hold several");
    }
    return command(command, typed, rest);
  }

  private static Input command(String command, String typed, String rest) {
    return switch (command) {
      case "/msg" -> msg(rest);
      case "/me" -> me(rest);
      case "/who" -> new Input.Who();
      case "/whois" -> named(rest, "/whois NAME", Input.Whois::new);
      case "/join" -> join(rest.strip());
      case "/switch" -> oneRoom(rest, "/switch #ROOM", Input.Switch::new);
      case "/part" -> part(rest);
      case "/rooms" -> new Input.Rooms();
      case "/topic" -> topic(rest.strip());
      case "/nick" -> named(rest, "/nick NEW", Input.Nick::new);
      case "/away" -> away(rest.strip());
      case "/back" -> new Input.Away("");
      case "/ignore" -> rest.isBlank() ? new Input.Ignored()
          : named(rest, "/ignore NAME", Input.Ignore::new);
      case "/unignore" -> named(rest, "/unignore NAME", Input.Unignore::new);
      case "/quit" -> quit(rest.strip());
      case "/help" -> new Input.Help();
      default -> new Input.Invalid("unknown command " + TerminalText.render(typed) + nearest(typed)
          + "; /help lists the commands");
    };
  }

  /** {@code "; did you mean /join?"} for {@code /jion}, or {@code ""}. */
  private static String nearest(String typed) {
    List<String> known = new java.util.ArrayList<>(NAMES);
    known.add(VerifyCommand.WORD);
    return Typos.hint(Typos.nearest(typed, known));
  }

  /**
   * A room as typed, {@code #} optional ({@code /join dev} is {@code #dev}), or empty when it
   * breaks the rule.
   */
  static Optional<String> room(String typed) {
    String room = typed.startsWith("#") ? typed : "#" + typed;
    return RoomNames.isValid(room) ? Optional.of(room) : Optional.empty();
  }

  private static Input oneRoom(String rest, String usage,
      Function<String, Input> make) {
    String typed = rest.strip();
    if (typed.isEmpty() || indexOfSpace(typed) >= 0) {
      return new Input.Invalid("usage: " + usage);
    }
    return room(typed).map(make).orElseGet(() -> new Input.Invalid(TerminalText.render(typed)
        + " is not a valid room name (# and 1 to 32 ASCII letters, digits, '_' or '-')"));
  }

  /** {@code /join #ROOM} or {@code /join #ROOM --e2e}. */
  private static Input join(String rest) {
    String[] words = rest.split("[ \t]+");
    if (words.length == 2 && words[1].equals(E2E_OPTION)) {
      Input room = oneRoom(words[0], "/join #ROOM", Input.Join::new);
      return room instanceof Input.Join j ? new Input.Join(j.room(), true) : room;
    }
    return oneRoom(rest, "/join #ROOM", Input.Join::new);
  }

  private static Input part(String rest) {
    String typed = rest.strip();
    Optional<String> room = Optional.empty();
    String message = typed;
    if (typed.startsWith("#")) {
      int space = indexOfSpace(typed);
      String name = space < 0 ? typed : typed.substring(0, space);
      room = room(name);
      if (room.isEmpty()) {
        return new Input.Invalid(TerminalText.render(name) + " is not a valid room name");
      }
      message = space < 0 ? "" : typed.substring(space + 1).strip();
    }
    if (!Texts.isValidShortText(message)) {
      return new Input.Invalid("not sent: a /part message is a line of at most "
          + Texts.MAX_SHORT_BYTES + " bytes of UTF-8 with no control character");
    }
    return new Input.Part(room, message);
  }

  private static Input topic(String text) {
    if (text.isEmpty()) {
      return new Input.ShowTopic();
    }
    if (text.equals("-")) {
      return new Input.SetTopic("");
    }
    return Texts.isValidShortText(text) ? new Input.SetTopic(text)
        : new Input.Invalid("not set: a topic is a line of at most "
            + Texts.MAX_SHORT_BYTES + " bytes of UTF-8 with no control character");
  }

  private static Input away(String text) {
    String away = text.isEmpty() ? DEFAULT_AWAY : text;
    return Texts.isValidShortText(away) ? new Input.Away(away)
        : new Input.Invalid("not sent: an away text is a line of at most "
            + Texts.MAX_SHORT_BYTES + " bytes of UTF-8 with no control character");
  }

  private static Input quit(String message) {
    if (Texts.isValidShortText(message)) {
      return new Input.Quit(message);
    }
    return new Input.Invalid("not sent: a /quit message is a line of at most "
        + Texts.MAX_SHORT_BYTES + " bytes of UTF-8 with no control character");
  }

  private static Input msg(String rest) {
    int space = indexOfSpace(rest);
    if (space < 0 || rest.substring(space + 1).isBlank()) {
      return new Input.Invalid("usage: /msg NAME TEXT");
    }
    String to = rest.substring(0, space);
    if (!Names.isValid(to)) {
      return new Input.Invalid("not sent: " + TerminalText.render(to) + " is not a valid name ("
          + Names.problem(to).orElseThrow() + ")");
    }
    Input text = say(rest.substring(space + 1));
    return text instanceof Input.Say say ? new Input.Msg(to, say.text()) : text;
  }

  private static Input me(String rest) {
    if (rest.isBlank()) {
      return new Input.Invalid("usage: /me ACTION");
    }
    Input text = say(rest);
    return text instanceof Input.Say say ? new Input.Me(say.text()) : text;
  }

  /** {@code make} of the one valid name in {@code rest}, else why not. */
  private static Input named(String rest, String usage, Function<String, Input> make) {
    String name = rest.strip();
    if (name.isEmpty() || indexOfSpace(name) >= 0) {
      return new Input.Invalid("usage: " + usage);
    }
    if (!Names.isValid(name)) {
      return new Input.Invalid(TerminalText.render(name) + " is not a valid name ("
          + Names.problem(name).orElseThrow() + ")");
    }
    return make.apply(name);
  }

  private static Input say(String text) {
    return switch (Texts.check(text)) {
      case OK -> new Input.Say(text);
      case TOO_LONG -> new Input.Invalid("not sent: a line holds at most " + Texts.MAX_BYTES
          + " bytes of UTF-8");
      case INVALID -> new Input.Invalid("not sent: " + whyInvalid(text));
    };
  }

  private static String whyInvalid(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (cp != '\n' && Texts.isForbidden(cp)) {
        return "the line holds the control or format character "
            + TerminalText.render(new String(Character.toChars(cp)));
      }
      i += Character.charCount(cp);
    }
    return "the line is only white space";
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
