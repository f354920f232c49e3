package dev.lanchat.server.admin;

import dev.lanchat.common.pake.JoinCode;
import dev.lanchat.server.store.RevokeResult;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chat-server revoke CODE}: ends a join code before it expires. */
@Command(name = "revoke", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Ends a live join code at once, by the whole code (7-crater-lantern) or by "
        + "its number alone (7). Keys that already joined with it stay allowed: see deny."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened, read or written (it is left as it is)",
      "2:usage error (not a join code)", "3:nothing was changed (no such live code)"})
public final class RevokeCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Parameters(paramLabel = "CODE", description = "the join code, or just its number")
  private String code;

  @Override
  public Integer call() {
    Optional<JoinCode> whole;
    int number;
    if (code.strip().matches("[0-9]{1,2}")) {
      whole = Optional.empty();
      number = Integer.parseInt(code.strip());
    } else {
      try {
        whole = Optional.of(JoinCode.parse(code));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "that is not a join code: "
            + e.getMessage());
      }
      number = whole.get().number();
    }
    return Admin.withStore(spec, data, false, (store, out, err) -> {
      switch (store.revokeInvite(number, whole)) {
        case RevokeResult.Revoked revoked -> out.println("Revoked the join code "
            + revoked.invite().code().text() + ".");
        case RevokeResult.NotLive notLive -> {
          err.println(Admin.prefix(spec) + "no live join code " + number
              + (whole.isPresent() ? " has those words" : "")
              + "; nothing was changed (chat-server invites lists the live ones)");
          return Admin.REFUSED;
        }
      }
      return Admin.OK;
    });
  }
}
