package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the command line decides what the console may do. */
class ClientCommandTest {
  @TempDir
  Path home;

  private Boolean colorChosen(Map<String, String> env, String... extra) throws Exception {
    try (ClosedPort closed = new ClosedPort()) {
      AtomicReference<Boolean> color = new AtomicReference<>();
      PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true);
      ClientCommand command = new ClientCommand(c -> {
        color.set(c);
        return new PipedConsole(new ByteArrayInputStream(new byte[0]), sink, sink);
      }, env, ZoneOffset.UTC);
      String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--host",
          "127.0.0.1", "--port", String.valueOf(closed.port()), "--name", "alice",
          "--known-servers", home.resolve("k").toString(), "--identity",
          home.resolve("identity.pem").toString()), java.util.stream.Stream.of(extra))
          .toArray(String[]::new);
      int exit = ClientCommand.commandLine(command).setErr(new PrintWriter(new StringWriter()))
          .execute(args);
      assertEquals(ExitCode.CONNECTION, exit, "nothing listens on that port");
      return color.get();
    }
  }

  @Test
  void colourIsOnByDefault() throws Exception {
    assertEquals(true, colorChosen(Map.of()));
  }

  @Test
  void noColorFlagTurnsColourOff() throws Exception {
    assertEquals(false, colorChosen(Map.of(), "--no-color"));
  }

  @Test
  void noColorEnvironmentVariableTurnsColourOff() throws Exception {
    assertEquals(false, colorChosen(Map.of("NO_COLOR", "1")));
  }

  @Test
  void anEmptyNoColorVariableIsIgnoredAsTheConventionSays() throws Exception {
    assertEquals(true, colorChosen(Map.of("NO_COLOR", "")));
  }

  @Test
  void aBadPortIsAUsageError() {
    StringWriter err = new StringWriter();
    int exit = ClientCommand.commandLine(new ClientCommand(c -> {
      throw new AssertionError("no console for a usage error");
    }, Map.of(), ZoneOffset.UTC)).setErr(new PrintWriter(err))
        .execute("--host", "h", "--port", "70000", "--name", "a");
    assertEquals(ExitCode.USAGE, exit);
    assertEquals(true, err.toString().contains("--port must be between 1 and 65535"), err.toString());
  }

  /** The exit code and standard error of a run that never reaches a console. */
  private record Refused(int exit, String err) {}

  private Refused withoutConsole(String... args) {
    StringWriter err = new StringWriter();
    int exit = ClientCommand.commandLine(new ClientCommand(c -> {
      throw new AssertionError("no console for a usage error");
    }, Map.of(), ZoneOffset.UTC)).setErr(new PrintWriter(err)).execute(args);
    return new Refused(exit, err.toString());
  }

  @Test
  void hostTakesItsPortAfterAColon() throws Exception {
    try (ClosedPort closed = new ClosedPort()) {
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true);
      PrintStream err = new PrintStream(errors, true, java.nio.charset.StandardCharsets.UTF_8);
      ClientCommand command = new ClientCommand(
          c -> new PipedConsole(new ByteArrayInputStream(new byte[0]), sink, err), Map.of(),
          ZoneOffset.UTC);
      int exit = ClientCommand.commandLine(command).execute("--host",
          "127.0.0.1:" + closed.port(), "--name", "alice", "--known-servers",
          home.resolve("k").toString(), "--identity", home.resolve("identity.pem").toString());
      assertEquals(ExitCode.CONNECTION, exit, errors.toString());
      assertTrue(errors.toString().contains("cannot connect to 127.0.0.1:" + closed.port()),
          errors.toString());
    }
  }

  @Test
  void anAddressWithoutHostOrAMistypedOptionIsNamedWithWhatWasMeant() {
    Refused bare = withoutConsole("192.168.1.20");
    assertEquals(ExitCode.USAGE, bare.exit());
    assertTrue(bare.err().contains("! chat-client takes options only, not 192.168.1.20; "
        + "to name the server, write --host 192.168.1.20"), bare.err());
    Refused typo = withoutConsole("--hots", "127.0.0.1");
    assertTrue(typo.err().contains("! unknown option --hots; did you mean --host?"), typo.err());
  }

  @Test
  void anIdentityThatCannotBeCreatedIsSaidSoNotAsATerminalProblem() throws Exception {
    java.nio.file.Path notes = java.nio.file.Files.writeString(home.resolve("notes"), "x");
    Refused r = withPipedConsole(home.resolve("k"), notes.resolve("identity.pem"));
    assertEquals(ExitCode.CONNECTION, r.exit(), r.err());
    assertTrue(r.err().contains("! cannot create the identity file "
        + notes.resolve("identity.pem") + ": " + notes
        + ": a file is in the way, where a folder should be"), r.err());
    assertFalse(r.err().contains("terminal"), r.err());
  }

  @Test
  void aFolderGivenAsTheKnownServersFileIsSaidToBeOne() throws Exception {
    java.nio.file.Path folder = java.nio.file.Files.createDirectory(home.resolve("pins"));
    Refused r = withPipedConsole(folder, home.resolve("identity.pem"));
    assertEquals(ExitCode.UNTRUSTED, r.exit(), r.err());
    assertTrue(r.err().contains("! cannot use the known-servers file: " + folder
        + ": is a folder, not a file"), r.err());
    assertTrue(r.err().contains("! Give the path of a file there, not of a folder."), r.err());
    assertFalse(r.err().contains("Fix or remove that file"), r.err());
  }

  /**
   * Runs the client against a closed loopback port with a piped console, these trust and
   * identity files, and what it printed as problems.
   */
  private static Refused withPipedConsole(Path knownServers,
      Path identity) throws IOException {
    try (ClosedPort closed = new ClosedPort()) {
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true);
      PrintStream err = new PrintStream(errors, true, java.nio.charset.StandardCharsets.UTF_8);
      int exit = ClientCommand.commandLine(new ClientCommand(
          c -> new PipedConsole(new ByteArrayInputStream(new byte[0]), sink, err), Map.of(),
          ZoneOffset.UTC)).execute("--host", "127.0.0.1:" + closed.port(), "--name", "alice",
          "--known-servers", knownServers.toString(), "--identity", identity.toString());
      return new Refused(exit, errors.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void aPortGivenTwiceDifferentlyIsAUsageError() {
    Refused r = withoutConsole("--host", "127.0.0.1:5001", "--port", "5002", "--name", "a");
    assertEquals(ExitCode.USAGE, r.exit());
    assertTrue(r.err().contains("--host 127.0.0.1:5001 names port 5001 and --port says 5002: "
        + "give the port once"), r.err());
  }

  @Test
  void aMalformedHostOrForgetIsAUsageErrorNotACrash() {
    for (String[] args : List.of(new String[] {"--forget", "[::1"},
        new String[] {"--host", "[::1", "--name", "a"})) {
      Refused r = withoutConsole(args);
      assertEquals(ExitCode.USAGE, r.exit(), r.err());
      assertTrue(r.err().contains("an IPv6 address in brackets needs its closing ]"), r.err());
      assertFalse(r.err().contains("unexpected"), r.err());
    }
  }

  @Test
  void aBadRoomIsAUsageError() {
    StringWriter err = new StringWriter();
    int exit = ClientCommand.commandLine(new ClientCommand(c -> {
      throw new AssertionError("no console for a usage error");
    }, Map.of(), ZoneOffset.UTC)).setErr(new PrintWriter(err))
        .execute("--host", "h", "--name", "a", "--room", "#no spaces");
    assertEquals(ExitCode.USAGE, exit);
    assertTrue(err.toString().contains("--room takes a room name"), err.toString());
  }

  @Test
  void helpListsEveryChatCommandAndTheRoomOptions() {
    StringWriter out = new StringWriter();
    int exit = ClientCommand.commandLine(new ClientCommand(c -> {
      throw new AssertionError("no console for --help");
    }, Map.of(), ZoneOffset.UTC)).setOut(new PrintWriter(out)).execute("--help");
    assertEquals(ExitCode.OK, exit);
    String help = out.toString().replaceAll("\\s+", " ");
    for (String command : Commands.NAMES) {
      assertTrue(help.contains(command + ",") || help.contains(command + ".")
          || help.contains(command + " "), command);
    }
    for (String option : List.of("--room=#ROOM", "--no-bell", "--ignore-file=FILE", "' | '",
        "'[history] '")) {
      assertTrue(help.contains(option), option + " in " + help);
    }
  }
}
