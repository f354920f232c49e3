package dev.lanchat.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/lanchat-server.service passes systemd-analyze verify and keeps its promises. */
class SystemdUnitTest {
  private static final Path UNIT = Path.of(System.getProperty("lanchat.root", ".."))
      .resolve("scripts/lanchat-server.service");
  private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

  @Test
  void unitRunsAsADedicatedSandboxedUserThatRestartsOnFailure() throws IOException {
    List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
    for (String required : List.of("DynamicUser=yes", "StateDirectory=lanchat",
        "Environment=HOME=%S/lanchat", "Restart=on-failure", "KillSignal=SIGTERM",
        "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes", "PrivateTmp=yes",
        "PrivateDevices=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")) {
      assertTrue(lines.contains(required), "the unit says " + required);
    }
  }

  @Test
  void systemdAnalyzeVerifyFindsNothingToSay(@TempDir Path dir)
      throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze is not installed here");
    // verify insists that ExecStart's program exists: a stand-in takes /usr/bin/chat-server's
    // place, everything else is checked as written
    Path program = dir.resolve("chat-server");
    Files.writeString(program, "#!/bin/sh\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    Path unit = dir.resolve("lanchat-server.service");
    Files.writeString(unit, Files.readString(UNIT).replace("/usr/bin/chat-server",
        program.toString()));

    Process verify = new ProcessBuilder(ANALYZE.toString(), "verify", "--man=no", unit.toString())
        .redirectErrorStream(true).start();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "systemd-analyze finished");
    assertEquals("", output.strip(), "systemd-analyze verify has nothing to say");
    assertEquals(0, verify.exitValue(), output);
  }
}
