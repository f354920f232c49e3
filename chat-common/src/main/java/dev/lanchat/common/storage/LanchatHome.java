package dev.lanchat.common.storage;

import java.nio.file.Path;

/**
 * Where LanChat keeps its files by default: {@code ~/.lanchat}, where {@code ~} is {@code $HOME}
 * when it is set (as in a shell, so {@code HOME=/tmp/x chat-server} works as people expect) and
 * the JVM's {@code user.home} otherwise. Both programs use it, so they agree on one folder.
 */
public final class LanchatHome {
  private LanchatHome() {}

  /** The {@code .lanchat} folder (not created here). */
  public static Path dir() {
    String home = System.getenv("HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".lanchat");
  }

  /** A file in the {@code .lanchat} folder. */
  public static Path file(String name) {
    return dir().resolve(name);
  }
}
