package dev.lanchat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void theBuildRecordsItsVersionAndACommitOrSaysUnknown() {
    BuildInfo info = BuildInfo.current();
    assertFalse(info.version().isBlank());
    assertFalse(info.version().contains("${"), info.version());
    assertFalse(info.version().equals("unknown"), "the build filters build-info.properties");
    assertTrue(info.commit().matches("[0-9a-f]{7,40}|unknown"), info.commit());
    assertEquals(Runtime.version().toString(), info.jdk().substring(info.jdk().lastIndexOf(' ') + 1));
  }

  @Test
  void versionLinesNameProgramProtocolCommitAndJdk() {
    BuildInfo info = new BuildInfo("1.2.3", 1, "0123456789ab", "Acme 21.0.1");
    assertEquals(List.of("LanChat server 1.2.3", "Protocol version 1", "Git commit 0123456789ab",
        "JDK Acme 21.0.1"), info.versionLines("LanChat server"));
    assertEquals("LanChat client 1.2.3 (protocol 1, commit 0123456789ab, JDK Acme 21.0.1)",
        info.oneLine("LanChat client"));
  }
}
