package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Identity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's own key: --identity picks the file, --show-identity prints its fingerprint. */
class ClientIdentityTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    ClientCommand command = new ClientCommand(color -> {
      throw new AssertionError("--show-identity needs no console");
    }, Map.of(), ZoneOffset.UTC);
    return ClientCommand.commandLine(command).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void showIdentityCreatesTheKeyOnFirstUseSaysSoOnStderrAndPrintsItsFingerprint()
      throws Exception {
    Path file = dir.resolve("home/.lanchat/identity.pem");
    assertEquals(ExitCode.OK, run("--show-identity", "--identity", file.toString()));
    Identity created = Identity.load(file);
    assertEquals(created.fingerprint() + "\n", out.toString(), "stdout is the fingerprint alone");
    assertEquals("Created a new identity key in " + file + "\n", err.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void showIdentityPrintsTheSameFingerprintEveryTimeWithoutRecreatingTheKey() throws Exception {
    Path file = dir.resolve("identity.pem");
    run("--show-identity", "--identity", file.toString());
    byte[] first = Files.readAllBytes(file);
    String fingerprint = out.toString();
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertEquals(ExitCode.OK, run("--show-identity", "--identity", file.toString()));
    assertEquals(fingerprint, out.toString());
    assertEquals("", err.toString());
    assertArrayEquals(first, Files.readAllBytes(file));
  }

  @Test
  void aDamagedIdentityIsRefusedAndNeverReplaced() throws Exception {
    Path file = dir.resolve("identity.pem");
    byte[] damaged = "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n"
        .getBytes(StandardCharsets.US_ASCII);
    Files.write(file, damaged);
    assertEquals(ExitCode.CONNECTION, run("--show-identity", "--identity", file.toString()));
    assertEquals("", out.toString());
    assertTrue(err.toString().contains("cannot use the identity file " + file), err.toString());
    assertTrue(err.toString().contains("left untouched"), err.toString());
    assertArrayEquals(damaged, Files.readAllBytes(file));
  }

  @Test
  void helpNamesBothOptions() {
    assertEquals(ExitCode.OK, run("--help"));
    assertTrue(out.toString().contains("--identity=FILE"), out.toString());
    assertTrue(out.toString().contains("--show-identity"), out.toString());
    assertTrue(out.toString().contains("~/.lanchat/identity.pem"), out.toString());
  }
}
