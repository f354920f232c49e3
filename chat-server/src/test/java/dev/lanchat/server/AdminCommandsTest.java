package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.server.store.BindResult;
import dev.lanchat.server.store.Store;
import dev.lanchat.server.store.StoreWatcher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin subcommands of chat-server, as an admin types them (through chat-server's own
 * command line, with its one-line usage errors), on a temporary store.
 */
class AdminCommandsTest {
  @TempDir
  Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private Path data() {
    return dir.resolve("server.db");
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = ServerCommand.commandLine(new ServerCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static byte[] key(int n) {
    byte[] key = new byte[32];
    new Random(n).nextBytes(key);
    return key;
  }

  private Store store() throws Exception {
    return Store.open(data(), Clock.systemUTC());
  }

  @Test
  void allowPutsTheKeyOnTheAllowlistThatTheStoreChecks() throws Exception {
    String alice = Fingerprint.of(key(1));
    assertEquals(0, run("allow", alice, "--data", data().toString()), err.toString());
    assertEquals("Allowed " + alice + ".\n", out.toString());
    try (Store store = store()) {
      assertTrue(store.isAllowed(key(1)));
      assertEquals(Optional.empty(), store.listAllowed().get(0).name(),
          "no default leaks in from the server's own --name");
    }
  }

  @Test
  void allowWithANameKeepsTheNameForThatKey() throws Exception {
    String alice = Fingerprint.of(key(1));
    assertEquals(0, run("allow", alice, "--name", "alice", "--data", data().toString()));
    assertTrue(out.toString().contains("with the name alice kept for it"), out.toString());
    try (Store store = store()) {
      assertEquals(new BindResult.BoundToOther(alice), store.bind("alice", key(2)));
    }
    assertEquals(3, run("allow", Fingerprint.of(key(2)), "--name", "Alice", "--data",
        data().toString()));
    assertTrue(err.toString().contains("belongs to another key (" + alice + ")"), err.toString());
  }

  @Test
  void denyTakesAKeyOffAndSaysWhenItWasNotThere() throws Exception {
    String alice = Fingerprint.of(key(1));
    run("allow", alice, "--data", data().toString());
    assertEquals(0, run("deny", alice, "--data", data().toString()));
    assertEquals("Denied " + alice + ": it is no longer on the allowlist.\n", out.toString());
    assertEquals(3, run("deny", alice, "--data", data().toString()));
    assertTrue(err.toString().contains("is not on the allowlist"), err.toString());
    try (Store store = store()) {
      assertFalse(store.isAllowed(key(1)));
    }
  }

  @Test
  void namesListsEachNameWithItsFingerprintAndLastSeen() throws Exception {
    try (Store store = store()) {
      store.bind("bob", key(2));
      store.bind("alice", key(1));
    }
    assertEquals(0, run("names", "--data", data().toString()), err.toString());
    List<String> lines = out.toString().lines().toList();
    assertEquals(3, lines.size(), out.toString());
    assertTrue(lines.get(0).startsWith("NAME"), lines.get(0));
    assertTrue(lines.get(1).startsWith("alice ") && lines.get(1).contains(Fingerprint.of(key(1)))
        && lines.get(1).endsWith(" UTC"), lines.get(1));
    assertTrue(lines.get(2).startsWith("bob ") && lines.get(2).contains(Fingerprint.of(key(2))),
        lines.get(2));
  }

  @Test
  void releaseFreesANameAndRefusesAnUnknownOne() throws Exception {
    try (Store store = store()) {
      store.bind("alice", key(1));
    }
    assertEquals(0, run("release", "ALICE", "--data", data().toString()), err.toString());
    assertEquals("Released the name alice (it was bound to " + Fingerprint.of(key(1)) + ").\n",
        out.toString());
    assertEquals(3, run("release", "alice", "--data", data().toString()));
    assertTrue(err.toString().contains("no key holds the name alice"), err.toString());
    try (Store store = store()) {
      assertTrue(store.bind("alice", key(2)) instanceof BindResult.Bound);
    }
  }

  @Test
  void aBadFingerprintOrNameIsAUsageErrorThatTouchesNoStore() {
    assertEquals(2, run("allow", "SHA256:short", "--data",
        data().toString()));
    assertTrue(err.toString().contains("is not a key fingerprint"), err.toString());
    assertFalse(err.toString().contains("\tat "), "no stack trace:\n" + err);
    assertEquals(2, run("allow", Fingerprint.of(key(1)), "--name",
        "no spaces", "--data", data().toString()));
    assertEquals(2, run("release", "-", "--data", data().toString()));
    assertFalse(Files.exists(data()));
  }

  @Test
  void aMissingOrUnreadableStoreIsExitCode1WithTheFileNamedAndLeftAlone() throws Exception {
    assertEquals(1, run("names", "--data", data().toString()));
    assertTrue(err.toString().contains(data() + ": there is no store here"), err.toString());
    assertFalse(Files.exists(data()), "listing never creates a store");
    byte[] junk = "not a database at all, just some words\n".repeat(100).getBytes();
    Files.write(data(), junk);
    Files.setPosixFilePermissions(data(), java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    for (String command : List.of("names", "release alice", "deny " + Fingerprint.of(key(1)),
        "allow " + Fingerprint.of(key(1)))) {
      String[] words = (command + " --data " + data()).split(" ");
      assertEquals(1, run(words), command);
      assertTrue(err.toString().contains("not an SQLite database"), command + ": " + err);
    }
    assertEquals(List.of(junk.length), List.of(Files.readAllBytes(data()).length));
  }

  @Test
  void aRunningServersWatcherHearsOfAnAllowMadeByTheCommand() throws Exception {
    try (Store running = store()) {
      java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
      StoreWatcher watcher = new StoreWatcher(running::dataVersion, told::countDown).start();
      try {
        assertFalse(running.isAllowed(key(1)));
        assertEquals(0, run("allow", Fingerprint.of(key(1)), "--data", data().toString()));
        assertTrue(told.await(10, java.util.concurrent.TimeUnit.SECONDS), "never told");
        assertTrue(running.isAllowed(key(1)));
      } finally {
        watcher.close();
      }
    }
  }

  @Test
  void eachCommandHasHelp() {
    for (String command : List.of("allow", "deny", "names", "release")) {
      assertEquals(0, run(command, "--help"), command);
      assertTrue(out.toString().contains("--data=FILE"), command + ":\n" + out);
      assertTrue(out.toString().contains("Exit codes:"), command + ":\n" + out);
    }
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("allow") && out.toString().contains("release"),
        out.toString());
  }
}
