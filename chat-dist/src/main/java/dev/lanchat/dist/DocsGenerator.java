package dev.lanchat.dist;

import dev.lanchat.client.ClientCommand;
import dev.lanchat.server.ServerCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the man page sources and the shell completion scripts of both programs from their
 * picocli annotations, so neither can drift from {@code --help}. Run by the build
 * ({@code process-classes}); the packages install what it writes.
 *
 * <p>Layout under the output folder: {@code man/NAME.adoc} and {@code man/NAME-SUBCOMMAND.adoc}
 * (AsciiDoc with the manpage doctype, turned into section 1 pages by asciidoctor in the dist
 * profile), {@code bash/NAME} (for
 * {@code /usr/share/bash-completion/completions}) and {@code zsh/_NAME} (for zsh's
 * {@code vendor-completions}).
 */
public final class DocsGenerator {
  private DocsGenerator() {}

  /** The commands whose documents are written, each as its programs build it. */
  public static List<CommandLine> commands() {
    // the client's consoles are never opened: only the annotations are read
    ClientCommand client = new ClientCommand(color -> {
      throw new IOException("documentation only");
    }, Map.of(), ZoneOffset.UTC);
    return List.of(new CommandLine(new ServerCommand()), new CommandLine(client));
  }

  /**
   * Writes every document into the folder {@code args[0]}.
   *
   * @throws IOException if a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: DocsGenerator OUTPUT_FOLDER");
    }
    Path out = Path.of(args[0]);
    for (CommandLine command : commands()) {
      String name = command.getCommandName();
      writeManPages(out.resolve("man"), command);
      String bash = AutoComplete.bash(name, command);
      write(out.resolve("bash").resolve(name), bash);
      write(out.resolve("zsh").resolve("_" + name), zsh(name, bash));
    }
  }

  /**
   * Writes the man page of {@code command} and of each of its subcommands, named after the
   * qualified command: {@code chat-server.adoc}, {@code chat-server-allow.adoc}, ...
   */
  private static void writeManPages(Path folder, CommandLine command) throws IOException {
    write(folder.resolve(manPageName(command) + ".adoc"), manPage(command));
    for (CommandLine subcommand : command.getSubcommands().values()) {
      writeManPages(folder, subcommand);
    }
  }

  /** The man page name of a command or subcommand: {@code chat-server-allow}. */
  static String manPageName(CommandLine command) {
    return command.getCommandSpec().qualifiedName("-");
  }

  /** The man page of {@code command} as AsciiDoc, from picocli-codegen. */
  static String manPage(CommandLine command) {
    StringWriter text = new StringWriter();
    try (PrintWriter writer = new PrintWriter(text)) {
      ManPageGenerator.writeSingleManPage(writer, command.getCommandSpec());
    }
    return text.toString();
  }

  /**
   * A zsh completion function file for {@code name}. picocli's script serves bash and zsh alike
   * through zsh's {@code bashcompinit}; zsh autoloads {@code _NAME} from its function path, so
   * the file loads that script on first use, which registers the real completion function, and
   * answers the Tab that loaded it.
   */
  static String zsh(String name, String bashScript) {
    String function = "_complete_" + name;
    return "#compdef " + name + "\n"
        + "# Generated from the picocli annotations of " + name + "; do not edit.\n"
        + "autoload -U +X bashcompinit && bashcompinit\n"
        + bashScript.replaceAll("(?m)^#!.*\\n", "") + "\n"
        + "_bash_complete -F " + function + " \"$@\"\n";
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
