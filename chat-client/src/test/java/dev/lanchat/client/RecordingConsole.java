package dev.lanchat.client;

import java.util.ArrayList;
import java.util.List;

/** A console that records what is shown, as a piped or an interactive console would get it. */
final class RecordingConsole implements Console {
  private final boolean interactive;
  private final List<String> events = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private int bells;

  RecordingConsole(boolean interactive) {
    this.interactive = interactive;
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public boolean color() {
    return false;
  }

  @Override
  public String readLine() {
    return null;
  }

  @Override
  public String ask(String question) {
    return null;
  }

  @Override
  public synchronized void event(String line) {
    events.add(line);
  }

  @Override
  public synchronized void event(String head, List<String> lines) {
    events.add(head + String.join("\n" + CONTINUATION, lines));
  }

  @Override
  public synchronized void problem(String line) {
    problems.add(line);
  }

  @Override
  public synchronized void bell() {
    bells++;
  }

  @Override
  public void close() {}

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  synchronized int bells() {
    return bells;
  }

  synchronized void clear() {
    events.clear();
    problems.clear();
    bells = 0;
  }
}
