package dev.lanchat.server;

import dev.lanchat.common.rules.Typos;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from a properties file: {@code --config FILE} when given, otherwise
 * {@code ~/.lanchat/server.properties} when it exists. A key is an option's long name without
 * its dashes ({@code port=5001}, {@code max-clients=50}, {@code no-discovery=true}); picocli's
 * {@link CommandLine.PropertiesDefaultProvider} reads them, so the command line always wins.
 *
 * <p>It remembers which options took their value from the file, so a bad value there is
 * reported with the file and the key. An unknown key is refused rather than ignored: a typo
 * must not silently leave a limit at its default. Picocli asks for an option's default after
 * parsing the command line, so {@code --config} is known by then; but it asks for a flag's as
 * soon as it meets the flag, so flags ({@code no-discovery=true}) are read from the file only
 * after parsing, by {@link #flag}. Not thread-safe; one per parse.
 */
final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
  /** Options that make no sense in a file. */
  private static final Set<String> NOT_IN_FILE = Set.of("config", "help", "version");

  private final Supplier<Path> chosen;
  private final Path standard;
  private final Set<ArgSpec> fromFile = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean loaded;
  private Path file;
  private CommandLine.PropertiesDefaultProvider properties;
  private Properties read;

  /**
   * @param chosen the {@code --config} value once parsed (null when not given)
   * @param standard the file read when there is no {@code --config} and it exists
   */
  ConfigFileDefaults(Supplier<Path> chosen, Path standard) {
    this.chosen = chosen;
    this.standard = standard;
  }

  @Override
  public String defaultValue(ArgSpec arg) throws Exception {
    if (arg.command().parent() != null) {
      return null; // the file configures the server itself, not the admin subcommands
    }
    if (isFlag(arg)) {
      // picocli sets a flag given on the command line to the opposite of its default, and asks
      // for that default as soon as it meets the flag, perhaps before --config: a flag's value
      // in the file is applied after parsing instead (flag), and only if the command line has
      // not given it
      return null;
    }
    load(arg.command());
    String value = properties == null ? null : properties.defaultValue(arg);
    if (value != null) {
      fromFile.add(arg);
      return value.strip();
    }
    return plainInitialValue(arg);
  }

  /**
   * The value of {@code flag} (an option without a value, such as {@code --no-discovery}) after
   * parsing: true if the command line gave it, else what the file says ({@code true} or
   * {@code false}), else false.
   *
   * @throws IllegalArgumentException naming the file and the key, if the file cannot be read or
   *     its value is neither true nor false
   */
  boolean flag(OptionSpec flag) {
    if (flag.command().commandLine().getParseResult().hasMatchedOption(flag)) {
      return true;
    }
    try {
      load(flag.command());
    } catch (CommandLine.ParameterException e) { // parsing is over: no handler says it now
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    String value = read == null ? null : read.getProperty(key(flag));
    if (value == null) {
      return false;
    }
    fromFile.add(flag);
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(file + ": " + key(flag) + ": '"
          + value.strip() + "' is neither true nor false");
    };
  }

  private static boolean isFlag(ArgSpec arg) {
    return arg.isOption() && arg.arity().max() == 0;
  }

  /** {@code FILE: key} when {@code arg}'s value came from the file. */
  Optional<String> source(ArgSpec arg) {
    return arg != null && fromFile.contains(arg)
        ? Optional.of(file + ": " + key((OptionSpec) arg)) : Optional.empty();
  }

  private void load(CommandSpec command) {
    if (loaded) {
      return;
    }
    loaded = true;
    Path given = chosen.get();
    Path path = given != null ? given : standard;
    Properties read = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      read.load(in);
    } catch (NoSuchFileException e) {
      if (given == null) {
        return; // no file of one's own is the usual case
      }
      throw new CommandLine.ParameterException(command.commandLine(),
          "cannot read the configuration file " + path + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(command.commandLine(),
          "cannot read the configuration file " + path + ": " + Peers.brief(e));
    }
    refuseUnknownKeys(command, path, read);
    file = path;
    this.read = read;
    properties = new CommandLine.PropertiesDefaultProvider(read);
  }

  private static void refuseUnknownKeys(CommandSpec command, Path path, Properties read) {
    Set<String> known = new TreeSet<>();
    for (OptionSpec option : command.options()) {
      known.add(key(option));
    }
    known.removeAll(NOT_IN_FILE);
    for (String k : read.stringPropertyNames()) {
      if (!known.contains(k)) {
        List<String> near = Typos.nearest(k, known);
        throw new CommandLine.ParameterException(command.commandLine(), path + ": unknown key '"
            + k + "'" + (near.isEmpty() ? "; the keys are " + String.join(", ", known)
                : Typos.hint(near)));
      }
    }
  }

  /** The key of an option: its longest name without the leading dashes. */
  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
  }

  /**
   * The field's own initial value, written so help shows a whole-number rate as {@code 10}
   * rather than {@code 10.0}; null for everything else, which picocli then shows as it is.
   */
  private static String plainInitialValue(ArgSpec arg) {
    if (arg.initialValue() instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return Long.toString(d.longValue());
    }
    return null;
  }
}
