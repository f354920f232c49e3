package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanchat.client.session.SessionSettings;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownPeers;
import dev.lanchat.common.trust.KnownServers;
import dev.lanchat.server.ChatServer;
import dev.lanchat.server.ServerCommand;
import dev.lanchat.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** At a terminal, a key the allowlist refuses is offered to type a join code, and gets in. */
class InteractiveJoinCodeTest {
  @TempDir
  Path home;

  @Test
  void aRefusedPersonAtATerminalTypesAJoinCodeAndJoins() throws Exception {
    Path data = home.resolve("server.db");
    try (ChatServer server = ChatServer.start(ServerConfig.builder()
            .bind(InetAddress.getLoopbackAddress()).port(0)
            .identityFile(Path.of("unused-in-process.pem"))
            .connectRate(0, 1).messageRate(0, 1).discovery(false)
            .dataFile(data).access(ServerConfig.Access.ALLOWLIST).build(),
            Identity.generate(new SecureRandom()));
        VirtualTerminal vt = new VirtualTerminal()) {
      StringWriter out = new StringWriter();
      assertEquals(0, new CommandLine(new ServerCommand()).setOut(new PrintWriter(out, true))
          .execute("invite", "--name", "dave", "--data", data.toString()), out.toString());
      String code = out.toString().lines().filter(l -> l.startsWith("Join code: "))
          .findFirst().orElseThrow().substring("Join code: ".length()).strip();

      InteractiveConsole console = new InteractiveConsole(vt.terminal(), true);
      String hostPort = KnownServers.hostPort("127.0.0.1", server.port());
      PinCheck pins = new PinCheck(KnownServers.load(home.resolve("known_servers")), hostPort,
          null, false, console);
      ChatProgram program = new ChatProgram(new ChatProgram.Settings(
          SessionSettings.of("127.0.0.1", server.port(), Identity.generate(new SecureRandom())),
          "dave", ZoneOffset.UTC), console, pins, KnownPeers.load(home.resolve("known_peers")));
      CompletableFuture<Integer> exit = ClientRun.onOwnThread(program::run);

      int at = vt.await("Trust this server and remember its key? [y/N] ", 0);
      vt.type("y\r");
      at = vt.await("ask the server's admin to run: chat-server allow", at);
      at = vt.await("Or type a join code from the admin (Enter to stop): ", at);
      vt.type(code + "\r");
      at = vt.await("* connected to " + hostPort + " as ", at);
      vt.type("/quit\r");
      assertEquals(ExitCode.OK, exit.get(20, TimeUnit.SECONDS));
    }
  }
}
