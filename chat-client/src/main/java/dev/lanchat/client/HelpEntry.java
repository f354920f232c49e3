package dev.lanchat.client;

/**
 * One line of {@code /help}: how a command is written, and what it does ({@link Commands#HELP}
 * lines them up).
 *
 * @param usage the command as written, such as {@code /msg NAME TEXT}
 * @param does what it does
 */
record HelpEntry(String usage, String does) {}
