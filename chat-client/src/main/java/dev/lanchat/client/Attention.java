package dev.lanchat.client;

import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.rules.Names;
import java.io.IOException;
import java.util.Optional;

/**
 * Who we are and whom we listen to: our name (it changes with our own RENAMED), where a text
 * mentions it, whose lines are hidden ({@link IgnoreList}, which follows a rename), and whether
 * a line of another's rings the bell ({@code --no-bell} turns it off; history never rings).
 *
 * <p>Thread-safe: the reader thread reads it while the input thread asks who we are.
 */
final class Attention {
  private final Console console;
  private final boolean bell;
  private volatile IgnoreList.Server ignored;
  private volatile String me = "";
  private volatile Mentions mentions = new Mentions("");

  Attention(Console console, boolean bell) {
    this.console = console;
    this.bell = bell;
  }

  /** We are called {@code name} (WELCOME, or our own RENAMED). */
  void named(String name) {
    me = name;
    mentions = new Mentions(name);
  }

  /** Our own name, as the server spells it. */
  String me() {
    return me;
  }

  /** Where our name is found. */
  Mentions mentions() {
    return mentions;
  }

  /** True when {@code name} is ours. */
  boolean isMe(String name) {
    return Names.skeleton(name).equals(Names.skeleton(me));
  }

  /** Whose lines are hidden: the ignore list of the server we are on. */
  void ignoring(IgnoreList.Server list) {
    this.ignored = list;
  }

  /** The ignore list, or none before {@link #ignoring}. */
  Optional<IgnoreList.Server> ignored() {
    return Optional.ofNullable(ignored);
  }

  /** True when lines from {@code name} are hidden (never our own). */
  boolean isIgnored(String name) {
    IgnoreList.Server list = ignored;
    return list != null && !isMe(name) && list.isIgnored(name);
  }

  /** True when {@code event} is a line of an ignored name. */
  boolean hides(ServerMessage.Event event) {
    return switch (event) {
      case ServerMessage.Chat m -> isIgnored(m.from());
      case ServerMessage.Action m -> isIgnored(m.from());
      default -> false;
    };
  }

  /** True when {@code event} is another's line that mentions us. */
  boolean mentionedIn(ServerMessage.Event event) {
    return switch (event) {
      case ServerMessage.Chat m -> !isMe(m.from()) && mentions.in(m.text());
      case ServerMessage.Action m -> !isMe(m.from()) && mentions.in(m.text());
      default -> false;
    };
  }

  /** {@code from} is now {@code to}: our own name, or an ignored one, follows. */
  void renamed(String from, String to) {
    if (isMe(from)) {
      named(to);
    }
    IgnoreList.Server list = ignored;
    if (list != null) {
      try {
        list.renamed(from, to);
      } catch (IOException e) {
        console.problem("! cannot write the ignore file: " + e.getMessage());
      }
    }
  }

  /** Rings the bell, unless it is off. */
  void ring() {
    if (bell) {
      console.bell();
    }
  }
}
