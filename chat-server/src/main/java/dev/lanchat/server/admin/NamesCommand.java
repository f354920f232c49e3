package dev.lanchat.server.admin;

import dev.lanchat.server.store.NameBinding;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code chat-server names}: lists each bound name, its key's fingerprint and when it was seen. */
@Command(name = "names", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Lists each bound name with its key's fingerprint and when that key was "
        + "last seen (UTC, to the minute: a key that joins again within a minute keeps the "
        + "time it had)."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
      "0:done", "1:the store cannot be opened or read (it is left as it is)",
      "2:usage error"})
public final class NamesCommand implements Callable<Integer> {
  private static final String ROW = "%-24s  %-50s  %s%n";

  @Spec
  private CommandSpec spec;

  @Mixin
  private DataOption data;

  @Override
  public Integer call() {
    return Admin.withStore(spec, data, false, (store, out, err) -> {
      List<NameBinding> names = store.listNames();
      if (names.isEmpty()) {
        out.println("No names are bound.");
        return Admin.OK;
      }
      out.printf(ROW, "NAME", "FINGERPRINT", "LAST SEEN");
      for (NameBinding binding : names) {
        out.printf(ROW, binding.name(), binding.fingerprint(),
            Admin.WHEN.format(binding.lastSeen()));
      }
      return Admin.OK;
    });
  }
}
