package dev.lanchat.client;

/** Starts {@code chat-client}: {@code java -jar chat-client.jar --host H --name N}. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its code ({@link ExitCode}). */
  public static void main(String[] args) {
    System.exit(ClientCommand.commandLine(ClientCommand.forThisProcess()).execute(args));
  }
}
