package dev.lanchat.client;

import dev.lanchat.common.rules.Names;
import dev.lanchat.common.rules.TerminalText;
import dev.lanchat.common.rules.Texts;
import java.util.List;
import java.util.Locale;

/**
 * Parses one line the user typed into an {@link Input}: plain text is said to everyone, a line
 * starting with {@code /} is a command, and {@code //} sends a line that starts with {@code /}.
 * Text is checked against the protocol's text rules here, so a bad line is explained locally
 * and never sent (the server remains the authority). Stateless.
 */
public final class Commands {
  /** The command names, for completion and help. */
  public static final List<String> NAMES = List.of("/msg", "/who", "/whois", "/quit", "/help");

  /** What {@code /help} shows, one line each. */
  public static final List<String> HELP = List.of(
      "* TEXT            say TEXT to everyone (start with // to say something that starts with /)",
      "* /msg NAME TEXT  send TEXT to NAME only",
      "* /who            list who is here",
      "* /whois NAME     show NAME's key fingerprint, to compare with what NAME sees",
      VerifyCommand.HELP,
      "* /quit [MESSAGE] leave, MESSAGE shown to everyone (so does end of input, Ctrl-D)",
      "* /help           show this");

  private Commands() {}

  /** What one input line asks for. */
  public sealed interface Input {
    /** Say {@code text} to everyone. */
    record Say(String text) implements Input {}

    /** Send {@code text} to {@code to} only. */
    record Msg(String to, String text) implements Input {}

    /** Ask who is here. */
    record Who() implements Input {}

    /** Show the key fingerprint of {@code name}, as the server named it (answered locally). */
    record Whois(String name) implements Input {}

    /** Leave, with a parting line (empty for none) shown in everyone's "left" line. */
    record Quit(String message) implements Input {
      public Quit {
        java.util.Objects.requireNonNull(message, "message");
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

  /** Parses one line, without its line end. */
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
    String command = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
    String rest = space < 0 ? "" : line.substring(space + 1).stripLeading();
    return switch (command) {
      case "/msg" -> msg(rest);
      case "/who" -> new Input.Who();
      case "/whois" -> whois(rest);
      case "/quit" -> quit(rest.strip());
      case "/help" -> new Input.Help();
      default -> new Input.Invalid("unknown command " + TerminalText.render(
          space < 0 ? line : line.substring(0, space)) + "; /help lists the commands");
    };
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

  private static Input whois(String rest) {
    String name = rest.strip();
    if (name.isEmpty() || indexOfSpace(name) >= 0) {
      return new Input.Invalid("usage: /whois NAME");
    }
    if (!Names.isValid(name)) {
      return new Input.Invalid(TerminalText.render(name) + " is not a valid name ("
          + Names.problem(name).orElseThrow() + ")");
    }
    return new Input.Whois(name);
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
      if (Texts.isForbidden(cp)) {
        return "the line holds the control or format character "
            + TerminalText.render(new String(Character.toChars(cp)));
      }
      i += Character.charCount(cp);
    }
    return "the line is only white space";
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }
}
