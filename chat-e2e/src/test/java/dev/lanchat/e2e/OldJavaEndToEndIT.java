package dev.lanchat.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code java -jar chat-client.jar} (or the server's jar) started with a Java older than 21, the
 * ordinary mistake on a machine whose default {@code java} is 17: one plain sentence on what is
 * needed and how to start it, exit code 1, and no JVM error or stack trace. Runs where such a
 * Java is installed under {@code /usr/lib/jvm} (as on the machines this project is built on),
 * and is skipped elsewhere.
 */
@Timeout(60)
class OldJavaEndToEndIT {
  private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)",
      Pattern.MULTILINE);

  @Test
  void anOlderJavaIsToldWhichJavaTheJarsNeed() throws Exception {
    Optional<OldJava> old = olderJava();
    assumeTrue(old.isPresent(), "no Java older than 21 under /usr/lib/jvm");
    Path root = Path.of(System.getProperty("lanchat.root", "..")).toAbsolutePath().normalize();
    for (String program : List.of("chat-client", "chat-server")) {
      Path jar = root.resolve(program).resolve("target").resolve(program + ".jar");
      Process p = new ProcessBuilder(old.get().java().toString(), "-jar", jar.toString(), "--help")
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), program + " did not end");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(1, p.exitValue(), program + " exit code; stderr: " + err);
      assertEquals("", out, program + " printed on stdout");
      assertTrue(err.startsWith(program + " needs Java 21 or newer, and this is Java "
          + old.get().release() + " ("), err);
      assertTrue(err.contains("/bin/java -jar " + program + ".jar"), err);
      assertFalse(err.contains("Exception") || err.contains("Error") || err.contains("\tat "),
          "a JVM error or stack trace: " + err);
    }
  }

  /** A Java runtime and its feature release. */
  private record OldJava(Path java, int release) {}

  /** The first runtime under /usr/lib/jvm whose {@code release} file says it is older than 21. */
  private static Optional<OldJava> olderJava() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      for (Path home : homes.sorted().toList()) {
        Path release = home.resolve("release");
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isRegularFile(release) || !Files.isExecutable(java)) {
          continue;
        }
        Matcher m = VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
        if (m.find() && Integer.parseInt(m.group(1)) < 21) {
          return Optional.of(new OldJava(java, Integer.parseInt(m.group(1))));
        }
      }
    }
    return Optional.empty();
  }
}
