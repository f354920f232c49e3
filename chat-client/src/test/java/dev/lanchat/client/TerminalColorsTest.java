package dev.lanchat.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

class TerminalColorsTest {
  @Test
  void colorsOnlyWhereTheTerminalDeclaresThem() throws IOException {
    for (String type : new String[] {"xterm-256color", "xterm", "windows-vtp", "windows"}) {
      try (Terminal terminal = terminal(type)) {
        assertTrue(InteractiveConsole.showsColors(terminal), type);
      }
    }
    try (Terminal terminal = terminal(Terminal.TYPE_DUMB)) {
      assertFalse(InteractiveConsole.showsColors(terminal), "a dumb terminal gets no escapes");
    }
  }

  private static Terminal terminal(String type) throws IOException {
    return TerminalBuilder.builder().system(false).type(type)
        .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())
        .encoding(StandardCharsets.UTF_8).build();
  }
}
