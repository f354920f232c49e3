package dev.lanchat.server.admin;

import dev.lanchat.server.store.KeyFingerprint;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chat-server deny FINGERPRINT}: takes a client key off the allowlist. */
@Command(name = "deny", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Takes a client key off the allowlist (and frees any name kept for it "
        + "there; a name the key has bound stays bound: see release). A running server "
        + "applies the change within a second."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened, read or written (it is left as it is)",
      "2:usage error (a bad fingerprint)", "3:nothing was changed (the key was not allowed)"})
public final class DenyCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Parameters(paramLabel = "FINGERPRINT", description = "the client's key fingerprint, SHA256:…")
  private String fingerprint;

  @Override
  public Integer call() {
    KeyFingerprint key = Admin.fingerprint(spec, fingerprint);
    return Admin.withStore(spec, data, false, (store, out, err) -> {
      if (!store.deny(key)) {
        err.println(Admin.prefix(spec) + key + " is not on the allowlist; nothing was changed");
        return Admin.REFUSED;
      }
      out.println("Denied " + key + ": it is no longer on the allowlist.");
      return Admin.OK;
    });
  }
}
