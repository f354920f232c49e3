package dev.lanchat.server.admin;

import dev.lanchat.common.rules.Names;
import dev.lanchat.server.store.ReleaseResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chat-server release NAME}: frees a name bound to a key. */
@Command(name = "release", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Frees a bound name, so the next key to join under it owns it (for a "
        + "user who lost their key, say). Names are compared as the server compares them: "
        + "Alice, alice and A1ice are one name."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened, read or written (it is left as it is)",
      "2:usage error (not a valid name)", "3:nothing was changed (no key holds that name)"})
public final class ReleaseCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Parameters(paramLabel = "NAME", description = "the name to free")
  private String name;

  @Override
  public Integer call() {
    Names.problem(name).ifPresent(problem -> {
      throw new ParameterException(spec.commandLine(), "'" + name + "' is not a name: "
          + problem);
    });
    return Admin.withStore(spec, data, false, (store, out, err) -> {
      switch (store.release(name)) {
        case ReleaseResult.Released released -> out.println("Released the name "
            + released.binding().name() + " (it was bound to " + released.binding().fingerprint()
            + ").");
        case ReleaseResult.NotBound notBound -> {
          err.println(Admin.prefix(spec) + "no key holds the name " + name
              + "; nothing was changed (chat-server names lists the bound names)");
          return Admin.REFUSED;
        }
      }
      return Admin.OK;
    });
  }
}
