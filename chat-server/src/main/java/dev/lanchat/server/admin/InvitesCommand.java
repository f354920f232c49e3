package dev.lanchat.server.admin;

import dev.lanchat.server.store.Invite;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code chat-server invites}: lists the live join codes. */
@Command(name = "invites", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Lists the live join codes with the name kept for each, when it expires "
        + "(UTC), the joins it still allows and its failed tries (the third burns it)."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened or read (it is left as it is)",
      "2:usage error"})
public final class InvitesCommand implements Callable<Integer> {
  private static final String ROW = "%-22s  %-24s  %-23s  %-9s  %s%n";

  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Override
  public Integer call() {
    return Admin.withStore(spec, data, false, (store, out, err) -> {
      List<Invite> invites = store.listLiveInvites();
      if (invites.isEmpty()) {
        out.println("No join codes are live (chat-server invite makes one).");
        return Admin.OK;
      }
      out.printf(ROW, "CODE", "NAME", "EXPIRES", "USES LEFT", "FAILED TRIES");
      for (Invite invite : invites) {
        out.printf(ROW, invite.code().text(), invite.name().orElse("-"),
            Admin.WHEN.format(invite.expiresAt()), invite.usesLeft(), invite.failures());
      }
      return Admin.OK;
    });
  }
}
