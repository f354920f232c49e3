package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.client.DiscoveryClient.Found;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.trust.KnownServers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the user sees after discovery, and which server the client then joins. */
class ServerFinderTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path home;

  private KnownServers known;
  private final Identity alpha = Identity.generate(RANDOM);
  private final Identity beta = Identity.generate(RANDOM);

  @BeforeEach
  void load() throws Exception {
    known = KnownServers.load(home.resolve("known_servers"));
  }

  private static Found found(String name, String ip, int port, Identity identity)
      throws Exception {
    return new Found(name, new InetSocketAddress(InetAddress.getByName(ip), port),
        identity.publicKey(), identity.fingerprint());
  }

  @Test
  void eachLineTellsNameAddressFingerprintAndPinning() throws Exception {
    Identity gamma = Identity.generate(RANDOM);
    known.pin("10.0.0.5:5000", alpha.publicKey(), false);
    known.pin("10.0.0.9:5000", beta.publicKey(), false);
    known.pin("10.0.0.7:5000", gamma.publicKey(), false);
    Identity stranger = Identity.generate(RANDOM);
    RecordingConsole console = new RecordingConsole(false);

    int exit = new ServerFinder(known, console).list(List.of(
        found("alpha", "10.0.0.5", 5000, alpha),
        found("beta", "10.0.0.6", 5000, beta),
        found("gamma", "10.0.0.5", 5001, stranger),
        found("delta", "10.0.0.7", 5000, stranger)));

    assertEquals(ExitCode.OK, exit);
    assertEquals(List.of(
        "alpha  10.0.0.5:5000  " + alpha.fingerprint() + "  pinned",
        "beta  10.0.0.6:5000  " + beta.fingerprint() + "  pinned at 10.0.0.9:5000 (moved)",
        "gamma  10.0.0.5:5001  " + stranger.fingerprint() + "  not pinned",
        "delta  10.0.0.7:5000  " + stranger.fingerprint()
            + "  CONFLICT: another key is pinned for this address"), console.events);
    assertEquals(List.of(), console.problems);
  }

  @Test
  void aNameFromTheNetworkIsRenderedSafely() throws Exception {
    RecordingConsole console = new RecordingConsole(false);
    new ServerFinder(known, console).list(List.of(
        found("evil\u001B[2J\u0007", "10.0.0.5", 5000, alpha)));
    assertEquals("evil\\x1B[2J\\x07  10.0.0.5:5000  " + alpha.fingerprint() + "  not pinned",
        console.events.get(0));
  }

  @Test
  void listingNothingExitsOneAndSuggestsHost() {
    RecordingConsole console = new RecordingConsole(false);
    assertEquals(ExitCode.CONNECTION, new ServerFinder(known, console).list(List.of()));
    assertEquals(List.of(
        "! no LanChat server answered on the local network; start one or pass --host"),
        console.problems);
  }

  @Test
  void nobodyToChooseExitsOne() throws Exception {
    RecordingConsole console = new RecordingConsole(true);
    ServerFinder.Choice choice = new ServerFinder(known, console).choose(List.of());
    assertEquals(new ServerFinder.Choice.Stop(ExitCode.CONNECTION), choice);
    assertTrue(console.problems.get(0).contains("no LanChat server answered"), console.problems.toString());
  }

  @Test
  void theOnlyServerFoundIsChosenAndNamed() throws Exception {
    RecordingConsole console = new RecordingConsole(false);
    Found only = found("lab", "10.0.0.5", 5000, alpha);
    ServerFinder.Choice choice = new ServerFinder(known, console).choose(List.of(only));
    assertEquals(new ServerFinder.Choice.Connect(only, null), choice);
    assertEquals(List.of("* found lab at 10.0.0.5:5000"), console.problems);
  }

  @Test
  void aPinnedKeyAtANewAddressIsExpectedThereAndTheMoveIsTold() throws Exception {
    known.pin("10.0.0.5:5000", alpha.publicKey(), false);
    RecordingConsole console = new RecordingConsole(false);
    Found moved = found("lab", "10.0.0.8", 5000, alpha);
    ServerFinder.Choice choice = new ServerFinder(known, console).choose(List.of(moved));
    assertEquals(new ServerFinder.Choice.Connect(moved, alpha.fingerprint()), choice);
    assertEquals(List.of("* server lab (" + alpha.fingerprint()
        + ") moved from 10.0.0.5:5000 to 10.0.0.8:5000"), console.problems);
  }

  @Test
  void aConflictIsNotExpectedToMatchSoThePinCheckRefusesIt() throws Exception {
    known.pin("10.0.0.5:5000", beta.publicKey(), false);
    RecordingConsole console = new RecordingConsole(false);
    Found impostor = found("lab", "10.0.0.5", 5000, alpha);
    assertEquals(new ServerFinder.Choice.Connect(impostor, null),
        new ServerFinder(known, console).choose(List.of(impostor)));
  }

  @Test
  void severalServersWithoutATerminalExitTwoListingThemAndAskingForHost() throws Exception {
    RecordingConsole console = new RecordingConsole(false);
    ServerFinder.Choice choice = new ServerFinder(known, console).choose(List.of(
        found("alpha", "10.0.0.5", 5000, alpha), found("beta", "10.0.0.6", 5000, beta)));
    assertEquals(new ServerFinder.Choice.Stop(ExitCode.USAGE), choice);
    assertEquals(List.of(
        "! 2 LanChat servers answered; pass --host (and --port) to choose one:",
        "  alpha  10.0.0.5:5000  " + alpha.fingerprint() + "  not pinned",
        "  beta  10.0.0.6:5000  " + beta.fingerprint() + "  not pinned"), console.problems);
  }

  @Test
  void aPersonPicksByNumberAndIsAskedAgainAfterAWrongAnswer() throws Exception {
    RecordingConsole console = new RecordingConsole(true, "x", "0", "3", "2");
    Found b = found("beta", "10.0.0.6", 5000, beta);
    ServerFinder.Choice choice = new ServerFinder(known, console).choose(List.of(
        found("alpha", "10.0.0.5", 5000, alpha), b));
    assertEquals(new ServerFinder.Choice.Connect(b, null), choice);
    assertEquals(List.of("Connect to which server? [1-2] ", "Connect to which server? [1-2] ",
        "Connect to which server? [1-2] ", "Connect to which server? [1-2] "), console.questions);
    assertTrue(console.problems.contains("  1) alpha  10.0.0.5:5000  " + alpha.fingerprint()
        + "  not pinned"), console.problems.toString());
    assertTrue(console.problems.contains("  2) beta  10.0.0.6:5000  " + beta.fingerprint()
        + "  not pinned"), console.problems.toString());
    assertEquals(3, console.problems.stream()
        .filter(p -> p.equals("! type a number from 1 to 2 (Ctrl-D to give up)")).count());
    assertEquals("* found beta at 10.0.0.6:5000", console.problems.getLast());
  }

  @Test
  void endingInputInsteadOfPickingJoinsNothing() throws Exception {
    RecordingConsole console = new RecordingConsole(true);
    ServerFinder.Choice choice = new ServerFinder(known, console).choose(List.of(
        found("alpha", "10.0.0.5", 5000, alpha), found("beta", "10.0.0.6", 5000, beta)));
    ServerFinder.Choice.Stop stop = assertInstanceOf(ServerFinder.Choice.Stop.class, choice);
    assertEquals(ExitCode.OK, stop.exitCode());
    assertNull(console.answers.peek());
  }

  /** A console that records every line and answers questions from a script (then EOF). */
  private static final class RecordingConsole implements Console {
    final boolean interactive;
    final Deque<String> answers;
    final List<String> events = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final List<String> questions = new ArrayList<>();

    RecordingConsole(boolean interactive, String... answers) {
      this.interactive = interactive;
      this.answers = new ArrayDeque<>(Arrays.asList(answers));
    }

    @Override
    public boolean interactive() {
      return interactive;
    }

    @Override
    public boolean color() {
      return false;
    }

    @Override
    public String readLine() {
      return answers.poll();
    }

    @Override
    public String ask(String question) {
      if (!interactive) {
        throw new AssertionError("a piped console is never asked");
      }
      questions.add(question);
      return answers.poll();
    }

    @Override
    public void event(String line) {
      events.add(line);
    }

    @Override
    public void problem(String line) {
      problems.add(line);
    }

    @Override
    public void bell() {}

    @Override
    public void close() {}
  }
}
