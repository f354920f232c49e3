package dev.lanchat.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * What this build of LanChat is: its version, the protocol version it speaks, the git commit it
 * was built from and the JDK it runs on. Both programs print it for {@code --version}, and the
 * server logs it at start-up, so a bug report can name exactly what ran.
 *
 * <p>The version and commit come from {@code build-info.properties}, which the build fills in; a
 * build from a source tarball (no {@code .git}) or from an IDE that skipped filtering says
 * {@code unknown} instead of guessing.
 *
 * @param version the Maven project version, for example {@code 1.0.0}
 * @param protocolVersion the wire protocol version, {@link #PROTOCOL_VERSION}
 * @param commit the abbreviated git commit (the last commit: uncommitted changes do not show), or
 *     {@code unknown}
 * @param jdk the vendor and version of the running JDK
 */
public record BuildInfo(String version, int protocolVersion, String commit, String jdk) {
  /** The protocol version both programs speak (the version byte of the hellos, protocol §2). */
  public static final int PROTOCOL_VERSION = 2;

  private static final String RESOURCE = "build-info.properties";
  private static final String UNKNOWN = "unknown";

  /** Checks that no part is missing. */
  public BuildInfo {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(jdk, "jdk");
  }

  /** This build, as the build recorded it, on the JDK running now. */
  public static BuildInfo current() {
    Properties recorded = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        recorded.load(in);
      }
    } catch (IOException e) {
      // an unreadable resource leaves every value "unknown": --version must never fail
      recorded.clear();
    }
    String commit = filled(recorded, "commit");
    String jdk = System.getProperty("java.vendor", "") + " " + Runtime.version();
    return new BuildInfo(filled(recorded, "version"), PROTOCOL_VERSION, commit, jdk.strip());
  }

  /**
   * The lines {@code --version} prints for {@code program}, for example {@code "LanChat
   * server"}.
   */
  public List<String> versionLines(String program) {
    return List.of(program + " " + version,
        "Protocol version " + protocolVersion,
        "Git commit " + commit,
        "JDK " + jdk);
  }

  /** The same facts on one line, for a log. */
  public String oneLine(String program) {
    return program + " " + version + " (protocol " + protocolVersion + ", commit " + commit
        + ", JDK " + jdk + ")";
  }

  /** A recorded value, or {@code unknown} when it is missing or was never filled in. */
  private static String filled(Properties recorded, String key) {
    String value = recorded.getProperty(key, "").strip();
    return value.isEmpty() || value.contains("${") ? UNKNOWN : value;
  }
}
