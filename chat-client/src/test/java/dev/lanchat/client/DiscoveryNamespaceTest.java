package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.storage.SecureFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery across a real (virtual) link: two network namespaces that this test creates, joined
 * by a veth pair, 10.213.7.1/24 and 10.213.7.2/24 — addresses that exist only inside them. A
 * responder JVM runs in one, a client JVM in the other, and the client broadcasts. Nothing
 * reaches the host's own network. Needs root and {@code ip}; skipped otherwise.
 */
class DiscoveryNamespaceTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final String NS_SERVER = "lanchat-srv-" + PID;
  private static final String NS_CLIENT = "lanchat-cli-" + PID;
  // interface names are at most 15 characters
  private static final String VETH_SERVER = "lcs" + PID;
  private static final String VETH_CLIENT = "lcc" + PID;
  private static final String SERVER_IP = "10.213.7.1";
  private static final String CLIENT_IP = "10.213.7.2";
  private static final String SUBNET_BROADCAST = "10.213.7.255";
  private static final int TCP_PORT = 4242;
  private static final long COMMAND_SECONDS = 20;
  private static final long JVM_SECONDS = 60;

  private static String ip;
  private static final List<String> created = new ArrayList<>();

  @BeforeAll
  static void createNamespaces() throws Exception {
    Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"),
        "network namespaces are a Linux feature");
    ip = findIp();
    Assumptions.assumeTrue(ip != null, "no `ip` command (iproute2): cannot create namespaces");
    Assumptions.assumeTrue(run("id", "-u").output().strip().equals("0"),
        "not running as root: cannot create network namespaces");
    for (String ns : List.of(NS_SERVER, NS_CLIENT)) {
      Result added = run(ip, "netns", "add", ns);
      Assumptions.assumeTrue(added.code() == 0,
          "`ip netns add` is not permitted here: " + added.output().strip());
      created.add(ns);
    }
    // the veth ends are created directly inside the namespaces: the host never sees them
    check(ip, "link", "add", VETH_SERVER, "netns", NS_SERVER, "type", "veth",
        "peer", "name", VETH_CLIENT, "netns", NS_CLIENT);
    check(ip, "-n", NS_SERVER, "addr", "add", SERVER_IP + "/24", "brd", "+", "dev", VETH_SERVER);
    check(ip, "-n", NS_CLIENT, "addr", "add", CLIENT_IP + "/24", "brd", "+", "dev", VETH_CLIENT);
    for (String[] end : new String[][] {{NS_SERVER, VETH_SERVER}, {NS_CLIENT, VETH_CLIENT}}) {
      check(ip, "-n", end[0], "link", "set", "lo", "up");
      check(ip, "-n", end[0], "link", "set", end[1], "up");
    }
    // lets a limited broadcast (255.255.255.255) leave the client namespace by its veth
    check(ip, "-n", NS_CLIENT, "route", "add", "default", "dev", VETH_CLIENT);
  }

  @AfterAll
  static void deleteNamespaces() throws Exception {
    for (String ns : created) {
      run(ip, "netns", "del", ns);
    }
    created.clear();
  }

  @Test
  void aClientInOneNamespaceFindsAServerInAnotherBySubnetAndLimitedBroadcast(@TempDir Path dir)
      throws Exception {
    Identity identity = Identity.generate(new SecureRandom());
    Path pem = dir.resolve("identity.pem");
    SecureFiles.createNew(pem, identity.toPem().getBytes(StandardCharsets.US_ASCII));

    Jvm responder = Jvm.start(NS_SERVER, DiscoveryNamespaceResponderMain.class,
        pem.toString(), String.valueOf(TCP_PORT), "namespace lab");
    try {
      String ready = responder.awaitLineStartingWith("READY ");
      int udpPort = Integer.parseInt(ready.substring("READY ".length()).strip());
      String expected = "FOUND " + SERVER_IP + ":" + TCP_PORT + " " + identity.fingerprint()
          + " namespace lab";

      for (String mode : List.of("default", "limited")) {
        Jvm client = Jvm.start(NS_CLIENT, DiscoveryNamespaceClientMain.class,
            mode, String.valueOf(udpPort), SUBNET_BROADCAST);
        try {
          String done = client.awaitLineStartingWith("DONE ");
          System.out.println(mode + " broadcast, client output: " + client.lines());
          assertEquals("DONE 1", done, mode + ": " + client.lines());
          assertTrue(client.lines().contains(expected), mode + ": " + client.lines());
          assertEquals(0, client.awaitExit(), mode + ": " + client.lines());
        } finally {
          client.stop();
        }
      }
    } finally {
      responder.stop();
    }
  }

  /** A JVM running one main class inside a namespace, its output read line by line. */
  private record Jvm(Process process, BlockingQueue<String> queue, List<String> lines) {
    static Jvm start(String namespace, Class<?> main, String... args) throws IOException {
      String javaBin = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> command = new ArrayList<>(List.of(ip, "netns", "exec", namespace, javaBin,
          "-cp", System.getProperty("java.class.path"), main.getName()));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BlockingQueue<String> queue = new LinkedBlockingQueue<>();
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
            queue.add(line);
          }
        } catch (IOException e) {
          // the process is gone
        }
      });
      return new Jvm(process, queue, lines);
    }

    String awaitLineStartingWith(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JVM_SECONDS);
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
        if (line == null) {
          return fail("no \"" + prefix.strip() + "\" line within " + JVM_SECONDS + " s: " + lines);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    int awaitExit() throws InterruptedException {
      if (!process.waitFor(JVM_SECONDS, TimeUnit.SECONDS)) {
        return fail("did not exit within " + JVM_SECONDS + " s: " + lines);
      }
      return process.exitValue();
    }

    void stop() throws InterruptedException {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // already gone
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private record Result(int code, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, String.join(" ", command) + " timed out");
    }
    return new Result(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static void check(String... command) throws IOException, InterruptedException {
    Result result = run(command);
    if (result.code() != 0) {
      fail(String.join(" ", command) + " failed: " + result.output().strip());
    }
  }

  private static String findIp() {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      Path candidate = Path.of(dir, "ip");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
