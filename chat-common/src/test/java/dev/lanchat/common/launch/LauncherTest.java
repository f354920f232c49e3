package dev.lanchat.common.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The programs' Main-Class runs on any Java from 8 and lets only Java 21 or newer through. */
class LauncherTest {

  @Test
  void theLauncherIsAJava8ClassFile() throws IOException {
    try (InputStream in = Launcher.class.getResourceAsStream("Launcher.class")) {
      assertNotNull(in, "Launcher.class on the class path");
      DataInputStream data = new DataInputStream(in);
      assertEquals(0xCAFEBABE, data.readInt(), "a class file");
      data.readUnsignedShort(); // minor version
      assertEquals(52, data.readUnsignedShort(), "class file major version (52 is Java 8)");
    }
  }

  @Test
  void featureReleaseReadsBothVersionStyles() {
    assertEquals(8, Launcher.featureRelease("1.8"));
    assertEquals(11, Launcher.featureRelease("11"));
    assertEquals(17, Launcher.featureRelease("17"));
    assertEquals(21, Launcher.featureRelease("21"));
    assertEquals(25, Launcher.featureRelease("25"));
    assertEquals(26, Launcher.featureRelease("26-ea"));
    assertEquals(-1, Launcher.featureRelease(null));
    assertEquals(-1, Launcher.featureRelease("unknown"));
  }

  @Test
  void onlyAJavaOlderThan21IsTurnedAwayWithWhatToDo() {
    String said = Launcher.tooOld("chat-client", 17, "/usr/lib/jvm/java-17");
    assertEquals("chat-client needs Java 21 or newer, and this is Java 17 (/usr/lib/jvm/java-17).\n"
        + "Start it with the java of a JDK or JRE 21+, for example:"
        + " /path/to/jdk-21/bin/java -jar chat-client.jar", said);
    assertTrue(Launcher.tooOld("chat-server", 8, null).startsWith(
        "chat-server needs Java 21 or newer, and this is Java 8."));
    assertNull(Launcher.tooOld("chat-client", 21, "/j"));
    assertNull(Launcher.tooOld("chat-client", 25, "/j"));
    assertNull(Launcher.tooOld("chat-client", -1, "/j"), "an unreadable version goes on");
  }
}
