package dev.lanchat.server.admin;

import dev.lanchat.common.rules.Names;
import dev.lanchat.server.store.AllowResult;
import dev.lanchat.server.store.KeyFingerprint;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code chat-server allow FINGERPRINT [--name NAME]}: lets a client key in. */
@Command(name = "allow", mixinStandardHelpOptions = true, sortOptions = false,
    usageHelpAutoWidth = true,
    description = {"Puts a client key on the allowlist, by the fingerprint that "
        + "chat-client --show-identity prints. With --name, that name is kept for the key: no "
        + "other key may take it. A running server applies the change within a second."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened, read or written (it is left as it is)",
      "2:usage error (a bad fingerprint or name)",
      "3:nothing was changed (the name belongs to another key)"})
public final class AllowCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Parameters(paramLabel = "FINGERPRINT", description = "the client's key fingerprint, SHA256:…")
  private String fingerprint;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the name to keep for this key (default: none)")
  private String name;

  @Override
  public Integer call() {
    KeyFingerprint key = Admin.fingerprint(spec, fingerprint);
    if (name != null) {
      Names.problem(name).ifPresent(problem -> {
        throw new ParameterException(spec.commandLine(), "--name " + name + ": " + problem);
      });
    }
    return Admin.withStore(spec, data, true, (store, out, err) -> {
      switch (store.allow(key, Optional.ofNullable(name))) {
        case AllowResult.Added added -> out.println("Allowed " + key + describe(added.entry()
            .name()) + ".");
        case AllowResult.Updated updated -> out.println(key + " was allowed already"
            + describe(updated.entry().name()) + ".");
        case AllowResult.NameTaken taken -> {
          err.println(Admin.prefix(spec) + "the name " + name + " belongs to another key ("
              + taken.ownerFingerprint() + "); nothing was changed. To give it to this key, "
              + "free it first: chat-server release " + name
              + " (or chat-server deny that key)");
          return Admin.REFUSED;
        }
      }
      return Admin.OK;
    });
  }

  private static String describe(Optional<String> name) {
    return name.map(n -> ", with the name " + n + " kept for it").orElse("");
  }
}
