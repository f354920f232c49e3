package dev.lanchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanchat.common.crypto.Fingerprint;
import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.server.store.Invite;
import dev.lanchat.server.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** chat-server invite, invites and revoke, as an admin types them, on a temporary store. */
class InviteCommandsTest {
  private static final Pattern PRINTED = Pattern.compile(
      "Join code: ([0-9]{1,2}-[a-z]+-[a-z]+)\n"
      + "Valid until [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC \\((.+)\\), "
      + "for (.+)\\.\n"
      + "The newcomer runs: chat-client --join-code \\1(.*)\n");

  @TempDir
  Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private String data() {
    return dir.resolve("server.db").toString();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = ServerCommand.commandLine(new ServerCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private Store store() throws Exception {
    return Store.open(Path.of(data()), Clock.systemUTC());
  }

  private Matcher invite(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "invite";
    System.arraycopy(options, 0, args, 1, options.length);
    args[options.length + 1] = "--data";
    args[options.length + 2] = data();
    assertEquals(0, run(args), err.toString());
    Matcher m = PRINTED.matcher(out.toString());
    assertTrue(m.matches(), out.toString());
    return m;
  }

  @Test
  void inviteMakesALiveCodeThatTheStoreFindsAndPrintsItWithItsExpiry() throws Exception {
    Matcher printed = invite();
    assertEquals("10 minutes", printed.group(2));
    assertEquals("1 join", printed.group(3));
    assertEquals("", printed.group(4), "no --name: the newcomer chooses");
    JoinCode code = JoinCode.parse(printed.group(1));
    try (Store store = store()) {
      Invite invite = store.findLiveInvite(code.number()).orElseThrow();
      assertTrue(invite.code().matches(code));
      assertEquals(Optional.empty(), invite.name());
      assertEquals(1, invite.usesLeft());
      Duration left = Duration.between(java.time.Instant.now(), invite.expiresAt());
      assertTrue(left.compareTo(Duration.ofMinutes(9)) > 0
          && left.compareTo(Duration.ofMinutes(10)) <= 0, left.toString());
    }
  }

  @Test
  void inviteTakesANameALifetimeAndANumberOfUses() throws Exception {
    Matcher printed = invite("--name", "bob", "--valid", "2h", "--uses", "3");
    assertEquals("2 hours", printed.group(2));
    assertEquals("3 joins, with the name bob kept for the newcomer", printed.group(3));
    assertEquals(" --name bob", printed.group(4));
    try (Store store = store()) {
      Invite invite = store.findLiveInvite(JoinCode.parse(printed.group(1)).number())
          .orElseThrow();
      assertEquals(Optional.of("bob"), invite.name());
      assertEquals(3, invite.usesLeft());
      assertEquals(Duration.ofHours(2), Duration.between(invite.createdAt(),
          invite.expiresAt()));
    }
  }

  @Test
  void badLifetimesUsesAndNamesAreUsageErrorsThatMakeNothing() throws Exception {
    for (List<String> bad : List.of(List.of("--valid", "10x"), List.of("--valid", "0m"),
        List.of("--valid", "59s"), List.of("--valid", "31d"), List.of("--uses", "0"),
        List.of("--uses", "101"), List.of("--name", "no spaces"))) {
      String[] args = {"invite", bad.get(0), bad.get(1), "--data", data()};
      assertEquals(2, run(args), bad.toString());
      assertTrue(err.toString().startsWith("chat-server: "), err.toString());
      assertEquals("", out.toString());
    }
    try (Store store = store()) {
      assertTrue(store.listLiveInvites().isEmpty());
    }
  }

  @Test
  void anInviteForANameThatBelongsToAnotherKeyIsRefused() throws Exception {
    byte[] key = new byte[32];
    new Random(1).nextBytes(key);
    try (Store store = store()) {
      store.bind("alice", key);
    }
    assertEquals(3, run("invite", "--name", "alice", "--data", data()));
    assertTrue(err.toString().contains("belongs to another key (" + Fingerprint.of(key) + ")"),
        err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void invitesListsTheLiveCodesWithExpiryAndUsesLeft() throws Exception {
    assertEquals(1, run("invites", "--data", data()), "no store yet: invites makes none");
    assertTrue(err.toString().contains("there is no store here"), err.toString());
    String bob = invite("--name", "bob", "--uses", "2").group(1);
    String any = invite().group(1);
    assertEquals(0, run("invites", "--data", data()), err.toString());
    String[] lines = out.toString().split("\n");
    assertEquals(3, lines.length, out.toString());
    assertTrue(lines[0].startsWith("CODE") && lines[0].contains("USES LEFT"), lines[0]);
    String bobLine = lines[1].startsWith(bob) ? lines[1] : lines[2];
    String anyLine = lines[1].startsWith(any) ? lines[1] : lines[2];
    assertTrue(bobLine.matches(Pattern.quote(bob) + " +bob +[0-9-]+ [0-9:]+ UTC +2 +0"),
        bobLine);
    assertTrue(anyLine.matches(Pattern.quote(any) + " +- +[0-9-]+ [0-9:]+ UTC +1 +0"),
        anyLine);

    assertEquals(0, run("revoke", bob, "--data", data()), err.toString());
    assertEquals(0, run("invites", "--data", data()));
    assertFalse(out.toString().contains(bob), out.toString());
    assertTrue(out.toString().contains(any), out.toString());
    assertEquals(0, run("revoke", any, "--data", data()));
    assertEquals(0, run("invites", "--data", data()));
    assertEquals("No join codes are live (chat-server invite makes one).\n", out.toString());
  }

  @Test
  void revokeEndsACodeByItsWordsOrItsNumberOnce() throws Exception {
    String code = invite().group(1);
    JoinCode parsed = JoinCode.parse(code);
    JoinCode stale;
    do {
      stale = JoinCode.random(parsed.number(), new java.security.SecureRandom());
    } while (stale.matches(parsed));
    assertEquals(3, run("revoke", stale.text(), "--data", data()));
    assertTrue(err.toString().contains("no live join code " + parsed.number()
        + " has those words"), err.toString());
    assertFalse(err.toString().contains(stale.text().substring(3)), "words are not echoed");
    assertEquals(0, run("revoke", code.toUpperCase(java.util.Locale.ROOT).replace('-', ' '),
        "--data", data()), err.toString());
    assertEquals("Revoked the join code " + code + ".\n", out.toString());
    assertEquals(3, run("revoke", code, "--data", data()));
    try (Store store = store()) {
      assertTrue(store.findLiveInvite(parsed.number()).isEmpty());
    }
    String next = invite().group(1);
    assertEquals(0, run("revoke", Integer.toString(JoinCode.parse(next).number()), "--data",
        data()), err.toString());
    assertEquals("Revoked the join code " + next + ".\n", out.toString());
  }

  @Test
  void revokeRefusesWhatIsNotAJoinCode() {
    assertEquals(2, run("revoke", "7-crater", "--data", data()));
    assertTrue(err.toString().contains("not a join code"), err.toString());
    assertEquals(2, run("revoke", "100", "--data", data()));
  }
}
