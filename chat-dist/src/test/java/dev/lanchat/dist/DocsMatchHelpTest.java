package dev.lanchat.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages and completion scripts the build wrote (target/generated-docs) list exactly the
 * options of each command's CommandSpec, which is what --help prints.
 */
class DocsMatchHelpTest {
  private static final Path DOCS = Path.of(System.getProperty("lanchat.docs",
      "target/generated-docs"));
  private static final Pattern MAN_OPTION = Pattern.compile("\\*(--?[A-Za-z0-9][\\w-]*)\\*");
  private static final Pattern COMPLETION_OPTIONS =
      Pattern.compile("local (?:flag|arg)_opts=\"([^\"]*)\"");
  private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

  @Test
  void manPageOptionsAreTheCommandsVisibleOptions() throws IOException {
    for (CommandLine command : everyCommand()) {
      String name = DocsGenerator.manPageName(command);
      String page = read(DOCS.resolve("man").resolve(name + ".adoc"));
      assertTrue(page.contains("= " + name + "(1)"), name + ": a section 1 man page");
      assertEquals(visibleOptions(command), manOptions(page), name + " man page");
    }
  }

  @Test
  void bashAndZshCompletionOfferTheCommandsVisibleOptions() throws IOException {
    for (CommandLine program : DocsGenerator.commands()) {
      String name = program.getCommandName();
      String bash = read(DOCS.resolve("bash").resolve(name));
      String zsh = read(DOCS.resolve("zsh").resolve("_" + name));
      assertTrue(zsh.startsWith("#compdef " + name + "\n"), name + ": zsh autoloads it by name");
      assertTrue(bash.contains("complete -F _complete_" + name + " "), name);
      for (CommandLine command : everyCommand(program)) {
        String function = "_picocli_" + command.getCommandSpec().qualifiedName("_");
        assertEquals(visibleOptions(command), completionOptions(bash, function),
            function + " in the bash completion");
        assertEquals(visibleOptions(command), completionOptions(zsh, function),
            function + " in the zsh completion");
      }
    }
  }

  /** Both programs and all their subcommands. */
  private static List<CommandLine> everyCommand() {
    List<CommandLine> all = new ArrayList<>();
    DocsGenerator.commands().forEach(program -> all.addAll(everyCommand(program)));
    return all;
  }

  private static List<CommandLine> everyCommand(CommandLine command) {
    List<CommandLine> all = new ArrayList<>(List.of(command));
    command.getSubcommands().values().forEach(sub -> all.addAll(everyCommand(sub)));
    return all;
  }

  @Test
  void helpListsEveryVisibleOption() {
    for (CommandLine command : DocsGenerator.commands()) {
      String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
      Set<String> visible = visibleOptions(command);
      assertFalse(visible.isEmpty());
      for (String option : visible) {
        assertTrue(help.contains(option), command.getCommandName() + " --help lacks " + option);
      }
    }
  }

  /** Every name of every option --help shows. */
  private static Set<String> visibleOptions(CommandLine command) {
    Set<String> names = new TreeSet<>();
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (!option.hidden()) {
        names.addAll(Set.of(option.names()));
      }
    }
    return names;
  }

  /** The option names in the man page's Options section. */
  private static Set<String> manOptions(String page) {
    int start = page.indexOf("\n== Options\n");
    assertTrue(start >= 0, "the man page has an Options section");
    int end = page.indexOf("\n== ", start + 1);
    String section = page.substring(start, end < 0 ? page.length() : end);
    Set<String> names = new TreeSet<>();
    Matcher matcher = MAN_OPTION.matcher(section);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /** The option names the completion function {@code function} offers. */
  private static Set<String> completionOptions(String script, String function) {
    int start = script.indexOf("\nfunction " + function + "() {\n");
    assertTrue(start >= 0, "the completion script has " + function);
    int end = script.indexOf("\n}\n", start);
    Set<String> names = new TreeSet<>();
    Matcher lists = COMPLETION_OPTIONS.matcher(script.substring(start, end));
    while (lists.find()) {
      Matcher quoted = QUOTED.matcher(lists.group(1));
      while (quoted.find()) {
        names.add(quoted.group(1));
      }
    }
    return names;
  }

  private static String read(Path file) throws IOException {
    assertTrue(Files.isRegularFile(file), file + " was written by the build (process-classes)");
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
