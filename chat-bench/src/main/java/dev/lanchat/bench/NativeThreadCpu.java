package dev.lanchat.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time of this JVM's own threads that Java cannot see (the JIT compilers, the GC), read
 * from Linux's {@code /proc/self/task/*&#47;stat}; 0 where there is no such file. Threads that
 * have ended are not counted, so compare two readings of long-lived threads only.
 */
final class NativeThreadCpu {
  /** Linux reports thread times in clock ticks of 1/100 s on every platform we run on. */
  private static final long MILLIS_PER_TICK = 10;

  /**
   * The JIT compiler threads' share of a warm-up's CPU, in percent, at or under which a JVM
   * counts as warm: the scenarios' warm-ups run until they get there.
   */
  static final int SETTLED_JIT_PERCENT = 5;

  /** Whether a run whose JIT compilers took {@code jitShare} (0 to 1) of its CPU counts as warm. */
  static boolean settled(double jitShare) {
    return jitShare * 100 <= SETTLED_JIT_PERCENT;
  }

  private NativeThreadCpu() {}

  /** CPU time of this whole JVM so far, in nanoseconds; 0 where the JVM cannot tell. */
  static long processNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
  }

  /** CPU time of this JVM's JIT compiler threads, in milliseconds. */
  static long jitMillis() {
    return millis("C1 CompilerThre", "C2 CompilerThre");
  }

  /** CPU time of this JVM's GC threads, in milliseconds. */
  static long gcMillis() {
    return millis("GC Thread", "G1 ");
  }

  /**
   * User and system CPU, in milliseconds, of the whole process {@code pid} (another JVM, such
   * as a server under test), from {@code /proc/<pid>/stat}; 0 where it cannot be read.
   */
  static long processMillis(long pid) {
    try {
      return ticksAfterName(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
          * MILLIS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** User and system CPU, in milliseconds, of the threads whose name starts with a prefix. */
  static long millis(String... prefixes) {
    long ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        ticks += ticksOf(task.resolve("stat"), prefixes);
      }
    } catch (IOException | RuntimeException e) {
      return 0; // not Linux, or /proc is not readable: nothing to report
    }
    return ticks * MILLIS_PER_TICK;
  }

  private static long ticksOf(Path stat, String... prefixes) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return 0; // the thread ended meanwhile
    }
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      return 0;
    }
    String name = line.substring(open + 1, close);
    boolean wanted = false;
    for (String p : prefixes) {
      wanted |= name.startsWith(p);
    }
    return wanted ? ticksAfterName(line) : 0;
  }

  /** utime + stime of a {@code stat} line, in clock ticks. */
  private static long ticksAfterName(String line) {
    // after the name: state, ppid, ... utime is the 12th field, stime the 13th
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
