package dev.lanchat.common.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanchat.common.BuildInfo;
import org.junit.jupiter.api.Test;

class ProtocolVersionTest {
  @Test
  void versionOutputNamesTheVersionTheHellosCarry() {
    assertEquals(Hellos.VERSION, BuildInfo.PROTOCOL_VERSION);
  }
}
