package dev.lanchat.common.launch;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * The {@code Main-Class} of {@code chat-server.jar} and {@code chat-client.jar}: it makes sure the
 * Java running it is new enough before any of LanChat's own classes is loaded, then runs the
 * program's main class, which the jar's manifest names as {@value #MAIN_ATTRIBUTE}.
 *
 * <p>LanChat's classes are Java 21 class files. Started with an older {@code java -jar}, the JVM
 * refuses them with a {@code LinkageError} about "class file version 65.0", a message that does
 * not say what to do. This class alone is compiled for Java 8 (see {@code chat-common/pom.xml})
 * and uses nothing newer, so every JVM from 8 on runs it and can say plainly what is wrong.
 */
public final class Launcher {
  /** The oldest Java feature release LanChat runs on. */
  public static final int REQUIRED = 21;
  /** The manifest attribute that names the program's own main class. */
  public static final String MAIN_ATTRIBUTE = "LanChat-Main";
  /** The manifest attribute that names the program ({@code chat-client}, say) for messages. */
  public static final String PROGRAM_ATTRIBUTE = "LanChat-Program";
  /** Exit code when the Java is too old or the jar names no main class. */
  public static final int EXIT_CANNOT_START = 1;

  private Launcher() {}

  /**
   * Runs the program named in the manifest if this Java is new enough, else explains and exits
   * with {@link #EXIT_CANNOT_START}.
   */
  public static void main(String[] args) throws Throwable {
    Attributes manifest = ownManifest();
    String program = manifest == null ? null : manifest.getValue(PROGRAM_ATTRIBUTE);
    String main = manifest == null ? null : manifest.getValue(MAIN_ATTRIBUTE);
    String problem = tooOld(program == null ? "LanChat" : program,
        featureRelease(System.getProperty("java.specification.version")),
        System.getProperty("java.home"));
    if (problem == null && main == null) {
      problem = "this jar's manifest names no " + MAIN_ATTRIBUTE + ": it was not built by LanChat's"
          + " build";
    }
    if (problem != null) {
      System.err.println(problem);
      System.exit(EXIT_CANNOT_START);
      return;
    }
    try {
      Class.forName(main).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause(); // as if the program's main had been started directly
    }
  }

  /**
   * The feature release a {@code java.specification.version} value names ({@code "1.8"} is 8,
   * {@code "17"} is 17), or -1 if it names none.
   */
  public static int featureRelease(String specificationVersion) {
    if (specificationVersion == null) {
      return -1;
    }
    String v = specificationVersion.startsWith("1.")
        ? specificationVersion.substring(2) : specificationVersion;
    int end = 0;
    while (end < v.length() && end < 9 && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? -1 : Integer.parseInt(v.substring(0, end));
  }

  /**
   * What to tell the user when {@code feature} is older than {@link #REQUIRED}, or null when it
   * is not (an unreadable release, -1, is let through: the JVM then says what it finds).
   */
  public static String tooOld(String program, int feature, String javaHome) {
    if (feature < 0 || feature >= REQUIRED) {
      return null;
    }
    return program + " needs Java " + REQUIRED + " or newer, and this is Java " + feature
        + (javaHome == null ? "" : " (" + javaHome + ")") + ".\n"
        + "Start it with the java of a JDK or JRE " + REQUIRED + "+, for example:"
        + " /path/to/jdk-" + REQUIRED + "/bin/java -jar " + program + ".jar";
  }

  /** The main attributes of the manifest that names a LanChat main class, or null. */
  private static Attributes ownManifest() throws IOException {
    Enumeration<URL> manifests =
        Launcher.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
    while (manifests.hasMoreElements()) {
      InputStream in = manifests.nextElement().openStream();
      try {
        Attributes main = new Manifest(in).getMainAttributes();
        if (main.getValue(MAIN_ATTRIBUTE) != null) {
          return main;
        }
      } finally {
        in.close();
      }
    }
    return null;
  }
}
