package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.server.store.Retention;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: help, start-up lines, and one-line errors. */
@Timeout(60)
class ServerCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine commandLine(ServerCommand command) {
    CommandLine cl = ServerCommand.commandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void helpShowsEveryOptionWithItsDefault() {
    assertEquals(0, commandLine(new ServerCommand()).execute("--help"));
    // one space for every run of white space: where a description wraps depends on the width of
    // the option column, which the longest option name sets
    String help = out.toString().replaceAll("\\s+", " ");
    for (String expected : List.of("--port=PORT", "(default: 5000)", "--bind", "(default: 0.0.0.0)",
        "--identity", "server-identity.pem", "--name", "this host's name", "--motd",
        "--max-clients", "(default: 1000)", "--rate", "(default: 10)", "--burst", "(default: 20)",
        "--connect-rate", "--connect-burst", "(default: 40)", "--handshake-timeout",
        "--idle-timeout", "(default: 90)", "--max-backlog", "(default: 4096)",
        "--max-backlog-bytes", "(default: 4194304", "--max-handshakes", "(default: 256)",
        "--max-per-address", "(default: 64)", "--max-outbound-bytes", "--room-rate",
        "--room-burst", "--room-byte-rate", "--room-byte-burst", "--max-rooms=N",
        "--max-rooms-per-client=N", "--history=N", "(default: 10000)", "--history-days=D",
        "--no-discovery",
        "do not answer LAN discovery requests (UDP, same port)", "--log-level", "--verbose",
        "--version")) {
      assertTrue(help.contains(expected), "help lacks " + expected + ":\n" + help);
    }
  }

  @Test
  void helpNeverBreaksADefaultPathInsideAWord() {
    assertEquals(0, commandLine(new ServerCommand()).execute("--help"));
    for (Path path : List.of(ServerConfig.defaults().identityFile(),
        ServerConfig.defaults().dataFile())) {
      assertTrue(out.toString().contains(path.toString()),
          "the whole path " + path + " on one line:\n" + out);
    }
  }

  @Test
  void versionNamesTheProgram() {
    assertEquals(0, commandLine(new ServerCommand()).execute("--version"));
    assertTrue(out.toString().startsWith("LanChat server"), out.toString());
  }

  @Test
  void aMistypedCommandIsNamedWithTheNearestOne() {
    assertEquals(2, commandLine(new ServerCommand()).execute("allowed"));
    assertOneLine(err.toString(), "unknown command allowed; did you mean allow?");
  }

  @Test
  void aBadOptionIsOneLineOnStderrAndExitCode2() {
    assertEquals(2, commandLine(new ServerCommand()).execute("--prot", "5000"));
    assertOneLine(err.toString(), "unknown option --prot; did you mean --port?");
    assertEquals(2, commandLine(new ServerCommand()).execute("--port", "many"));
    assertEquals(2, commandLine(new ServerCommand()).execute("--max-clients", "0"));
    assertEquals(2, commandLine(new ServerCommand()).execute("--name", "x".repeat(49)));
    assertEquals(2, commandLine(new ServerCommand()).execute("--log-level", "LOUD"));
    assertFalse(err.toString().contains("\tat "), "no stack trace:\n" + err);
  }

  @Test
  void startsPrintsTheStartUpLinesAndStopsWithExitCode0() throws Exception {
    Path identity = dir.resolve("id/server-identity.pem");
    CompletableFuture<ChatServer> started = new CompletableFuture<>();
    CommandLine cl = commandLine(new ServerCommand(started::complete));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(
        "--bind", "127.0.0.1", "--port", "0", "--identity", identity.toString(),
        "--name", "Kitchen", "--no-discovery", "--data", dir.resolve("server.db").toString()));
    ChatServer server = started.get(30, TimeUnit.SECONDS);
    assertFalse(server.config().discovery());
    server.close();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    String printed = out.toString();
    String fingerprint = Identity.load(identity).fingerprint();
    assertTrue(printed.contains("LanChat server 'Kitchen' listening on 127.0.0.1:" + server.port()),
        printed);
    assertTrue(printed.contains("Fingerprint: " + fingerprint), printed);
    assertTrue(printed.contains("Clients connect with: --host 127.0.0.1 --port " + server.port()),
        printed);
  }

  @Test
  void theIdentityIsCreatedOwnerOnlyOnFirstStartAndKeptAfterwards() throws Exception {
    Path identity = dir.resolve("new/server-identity.pem");
    String first = startAndStop(identity);
    assertTrue(first.contains("Created a new identity key in " + identity), first);
    if (Files.getFileStore(identity).supportsFileAttributeView("posix")) {
      assertEquals("rw-------",
          java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(identity)));
    }
    String second = startAndStop(identity);
    assertFalse(second.contains("Created"), second);
    String fingerprint = Identity.load(identity).fingerprint();
    assertTrue(first.contains(fingerprint) && second.contains(fingerprint));
  }

  private String startAndStop(Path identity) throws Exception {
    StringWriter printed = new StringWriter();
    CompletableFuture<ChatServer> started = new CompletableFuture<>();
    CommandLine cl = ServerCommand.commandLine(new ServerCommand(started::complete));
    cl.setOut(new PrintWriter(printed, true));
    cl.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(
        "--bind", "127.0.0.1", "--port", "0", "--identity", identity.toString(),
        "--data", dir.resolve("server.db").toString()));
    started.get(30, TimeUnit.SECONDS).close();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    return printed.toString();
  }

  @Test
  void aPortInUseIsOneLineOnStderrAndExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code = commandLine(new ServerCommand()).execute("--bind", "127.0.0.1",
          "--port", Integer.toString(taken.getLocalPort()),
          "--identity", dir.resolve("id.pem").toString(),
          "--data", dir.resolve("server.db").toString());
      assertEquals(1, code);
      assertOneLine(err.toString(), "cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void aCorruptIdentityFileStopsTheServerAndIsNeverReplaced() throws Exception {
    Path identity = dir.resolve("server-identity.pem");
    byte[] corrupt = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"
        .getBytes(StandardCharsets.US_ASCII);
    Files.write(identity, corrupt);
    int code = commandLine(new ServerCommand()).execute("--bind", "127.0.0.1", "--port", "0",
        "--identity", identity.toString());
    assertEquals(1, code);
    assertOneLine(err.toString(), identity.toString());
    assertArrayEquals(corrupt, Files.readAllBytes(identity));
    assertEquals("", out.toString(), "nothing was started");
  }

  @Test
  void anUnreadableIdentityPathStopsTheServer() throws Exception {
    Path identity = dir.resolve("a-folder");
    Files.createDirectory(identity);
    int code = commandLine(new ServerCommand()).execute("--bind", "127.0.0.1", "--port", "0",
        "--identity", identity.toString());
    assertEquals(1, code);
    assertOneLine(err.toString(), identity.toString());
  }

  private Path configFile(String... lines) throws Exception {
    Path file = dir.resolve("server.properties");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void optionsComeFromTheConfigFileAndTheCommandLineWins() throws Exception {
    Path file = configFile("bind=127.0.0.1", "port=0", "name=From the file",
        "motd=hello from the file", "max-clients=7", "no-discovery=true",
        "identity=" + dir.resolve("id.pem"), "data=" + dir.resolve("server.db"),
        "access=allowlist", "max-rooms=12", "max-rooms-per-client=3", "history=0",
        "history-days=2");
    CompletableFuture<ChatServer> started = new CompletableFuture<>();
    CommandLine cl = commandLine(new ServerCommand(started::complete));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(
        "--config", file.toString(), "--name", "From the command line", "--max-clients", "9"));
    ChatServer server = started.get(30, TimeUnit.SECONDS);
    server.close();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString());
    ServerConfig config = server.config();
    assertEquals("From the command line", config.name());
    assertEquals(9, config.maxClients());
    assertEquals("hello from the file", config.motd());
    assertFalse(config.discovery());
    assertEquals(dir.resolve("id.pem"), config.identityFile());
    assertEquals(dir.resolve("server.db"), config.dataFile());
    assertEquals(ServerConfig.Access.ALLOWLIST, config.access());
    assertEquals(12, config.maxRooms());
    assertEquals(3, config.maxRoomsPerClient());
    assertEquals(Retention.of(0, 2), config.retention());
  }

  /** Starts a server with {@code args}, closes it, and returns the configuration it ran with. */
  private ServerConfig ranWith(String... args) throws Exception {
    CompletableFuture<ChatServer> started = new CompletableFuture<>();
    CommandLine cl = commandLine(new ServerCommand(started::complete));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
    ChatServer server = started.get(30, TimeUnit.SECONDS);
    server.close();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString());
    return server.config();
  }

  @Test
  void theConfigFileIsReadWhereverConfigStandsAfterAFlag() throws Exception {
    Path file = configFile("bind=127.0.0.1", "port=0", "max-clients=7",
        "identity=" + dir.resolve("id.pem"), "data=" + dir.resolve("server.db"));
    ServerConfig config = ranWith("--no-discovery", "-v", "--config", file.toString());
    assertEquals(7, config.maxClients());
    assertFalse(config.discovery());
  }

  @Test
  void aFlagSetInTheFileAndGivenOnTheCommandLineStaysSet() throws Exception {
    Path file = configFile("bind=127.0.0.1", "port=0", "no-discovery=true",
        "identity=" + dir.resolve("id.pem"), "data=" + dir.resolve("server.db"));
    assertFalse(ranWith("--config", file.toString(), "--no-discovery").discovery());
    assertFalse(ranWith("--no-discovery", "--config", file.toString()).discovery());
  }

  @Test
  void aFlagInTheConfigFileIsTrueOrFalse() throws Exception {
    Path file = configFile("no-discovery=yes");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", file.toString(),
        "--port", "0", "--bind", "127.0.0.1"));
    assertOneLine(err.toString(), file + ": no-discovery: 'yes' is neither true nor false");
  }

  @Test
  void roomLimitsAndHistoryHaveTheirDefaults() {
    ServerConfig config = ServerConfig.defaults();
    assertEquals(1000, config.maxRooms());
    assertEquals(20, config.maxRoomsPerClient());
    assertEquals(Retention.defaults(), config.retention());
  }

  @Test
  void aBadHistoryValueInTheFileNamesTheFileAndTheKey() throws Exception {
    Path file = configFile("history-days=-1");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", file.toString(),
        "--identity", dir.resolve("id.pem").toString()));
    assertOneLine(err.toString(), file + ": history-days: --history-days is 0");
    assertFalse(Files.exists(dir.resolve("id.pem")), "nothing was started");
  }

  @Test
  void moreRoomsPerClientThanWelcomeCarriesAreRefused() {
    assertEquals(2, commandLine(new ServerCommand()).execute("--max-rooms-per-client",
        "65536"));
    assertOneLine(err.toString(), "chat-server: max rooms per client must be 1 to 65535");
  }

  @Test
  void aValueOfTheWrongTypeInTheFileNamesTheFileAndTheKey() throws Exception {
    Path file = configFile("port=many");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", file.toString()));
    assertOneLine(err.toString(), file + ": port: ");
    assertTrue(err.toString().contains("'many'"), err.toString());
  }

  @Test
  void aValueTheServerRefusesInTheFileNamesTheFileAndTheKey() throws Exception {
    Path file = configFile("max-clients=0");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", file.toString(),
        "--identity", dir.resolve("id.pem").toString()));
    assertOneLine(err.toString(), file + ": max-clients: max clients must be at least 1");
    assertFalse(Files.exists(dir.resolve("id.pem")), "nothing was started");
  }

  @Test
  void theSameBadValueOnTheCommandLineNamesNoFile() throws Exception {
    Path file = configFile("max-clients=5");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", file.toString(),
        "--max-clients", "0"));
    assertOneLine(err.toString(), "chat-server: max clients must be at least 1");
  }

  @Test
  void anUnknownKeyInTheFileIsRefusedByName() throws Exception {
    Path file = configFile("prot=5001");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", file.toString()));
    assertOneLine(err.toString(), "unknown key 'prot'; did you mean port?");
    Path far = configFile("colour=blue");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", far.toString()));
    assertTrue(err.toString().contains("unknown key 'colour'; the keys are access, bind,"),
        err.toString());
  }

  @Test
  void aMissingConfigFileIsAnError() {
    Path missing = dir.resolve("nowhere.properties");
    assertEquals(2, commandLine(new ServerCommand()).execute("--config", missing.toString()));
    assertOneLine(err.toString(), missing.toString());
  }

  @Test
  void aStoreThatCannotBeOpenedStopsTheServerAndIsNeverReplaced() throws Exception {
    Path data = dir.resolve("server.db");
    byte[] notSqlite = new byte[4096];
    java.util.Arrays.fill(notSqlite, (byte) 'x');
    Files.write(data, notSqlite);
    if (Files.getFileStore(data).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(data,
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    int code = commandLine(new ServerCommand()).execute("--bind", "127.0.0.1", "--port", "0",
        "--identity", dir.resolve("id.pem").toString(), "--data", data.toString(),
        "--no-discovery");
    assertEquals(1, code);
    assertOneLine(err.toString(), data.toString());
    assertArrayEquals(notSqlite, Files.readAllBytes(data));
    assertFalse(out.toString().contains("Press Ctrl+C"), "nothing was started: " + out);
  }

  @Test
  void anUnknownAccessModeIsAUsageError() {
    assertEquals(2, commandLine(new ServerCommand()).execute("--access", "closed",
        "--identity", dir.resolve("id.pem").toString(), "--data",
        dir.resolve("server.db").toString()));
    assertOneLine(err.toString(), "--access must be open or allowlist");
  }

  private static void assertOneLine(String text, String mentions) {
    List<String> lines = text.lines().toList();
    assertEquals(1, lines.size(), "expected one line:\n" + text);
    assertTrue(lines.get(0).contains(mentions), lines.get(0));
    assertTrue(lines.get(0).startsWith("chat-server: "), lines.get(0));
  }
}
