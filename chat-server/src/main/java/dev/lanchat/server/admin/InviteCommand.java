package dev.lanchat.server.admin;

import dev.lanchat.common.rules.Names;
import dev.lanchat.server.store.Invite;
import dev.lanchat.server.store.InviteResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chat-server invite [--name NAME] [--valid 10m] [--uses 1]}: makes a join code. */
@Command(name = "invite", mixinStandardHelpOptions = true, sortOptions = false,
    usageHelpAutoWidth = true,
    description = {"Makes a join code, such as 7-crater-lantern, for a newcomer to type into "
        + "chat-client --join-code: no fingerprint to compare, and their key is then allowed "
        + "in. Read the code out or hand it over in person; a running server honours it at "
        + "once. Three wrong tries burn it."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened, read or written (it is left as it is)",
      "2:usage error (a bad name, lifetime or number of uses)",
      "3:nothing was made (the name belongs to another key, or 100 codes are live)"})
public final class InviteCommand implements Callable<Integer> {
  /** Longest lifetime of a code: a code is for handing over soon, not for keeping. */
  static final Duration MAX_VALID = Duration.ofDays(30);
  /** Most joins one code may allow. */
  static final int MAX_USES = 100;

  private static final Pattern LIFETIME = Pattern.compile("([0-9]{1,6})([smhd])");

  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the name to keep for the newcomer's key (default: none; they choose)")
  private String name;

  @Option(names = "--valid", paramLabel = "TIME", defaultValue = "10m",
      description = "how long the code works: a number and s, m, h or d, from 1m to 30d "
          + "(default: ${DEFAULT-VALUE})")
  private String valid;

  @Option(names = "--uses", paramLabel = "N", defaultValue = "1",
      description = "how many newcomers may join with it, 1 to 100 (default: ${DEFAULT-VALUE})")
  private int uses;

  @Override
  public Integer call() {
    if (name != null) {
      Names.problem(name).ifPresent(problem -> {
        throw new ParameterException(spec.commandLine(), "--name " + name + ": " + problem);
      });
    }
    Duration lifetime = lifetime();
    if (uses < 1 || uses > MAX_USES) {
      throw new ParameterException(spec.commandLine(), "--uses must be 1 to 100, not " + uses);
    }
    return Admin.withStore(spec, data, true, (store, out, err) -> {
      switch (store.createInvite(Optional.ofNullable(name), lifetime, uses,
          new SecureRandom())) {
        case InviteResult.Created created -> print(created.invite(), lifetime, out);
        case InviteResult.NameTaken taken -> {
          err.println(Admin.prefix(spec) + "the name " + name + " belongs to another key ("
              + taken.ownerFingerprint() + "); no code was made. Free it first: "
              + "chat-server release " + name);
          return Admin.REFUSED;
        }
        case InviteResult.NoFreeNumber full -> {
          err.println(Admin.prefix(spec) + "100 join codes are live, which is all there can "
              + "be; no code was made (chat-server invites lists them, chat-server revoke "
              + "ends one)");
          return Admin.REFUSED;
        }
      }
      return Admin.OK;
    });
  }

  private static void print(Invite invite, Duration lifetime, java.io.PrintWriter out) {
    String code = invite.code().text();
    out.println("Join code: " + code);
    out.println("Valid until " + Admin.WHEN.format(invite.expiresAt()) + " (" + describe(lifetime)
        + "), for " + invite.usesLeft() + (invite.usesLeft() == 1 ? " join" : " joins")
        + invite.name().map(n -> ", with the name " + n + " kept for the newcomer").orElse("")
        + ".");
    out.println("The newcomer runs: chat-client --join-code " + code
        + invite.name().map(n -> " --name " + n).orElse(""));
  }

  private Duration lifetime() {
    Matcher m = LIFETIME.matcher(valid.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ParameterException(spec.commandLine(), "--valid " + valid
          + ": give a number and s, m, h or d, such as 10m or 2h");
    }
    long n = Long.parseLong(m.group(1));
    Duration lifetime = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(MAX_VALID) > 0) {
      throw new ParameterException(spec.commandLine(), "--valid " + valid
          + ": a code works for 1 minute to 30 days");
    }
    return lifetime;
  }

  private static String describe(Duration d) {
    if (d.toSeconds() % 86_400 == 0) {
      return plural(d.toDays(), "day");
    }
    if (d.toSeconds() % 3_600 == 0) {
      return plural(d.toHours(), "hour");
    }
    if (d.toSeconds() % 60 == 0) {
      return plural(d.toMinutes(), "minute");
    }
    return plural(d.toSeconds(), "second");
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
