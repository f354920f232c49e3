package dev.lanchat.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.lanchat.bench.CpuTimeProfiler}) that reports CPU time per
 * operation next to wall time. On a machine shared with other busy processes, wall time per
 * operation includes the time the benchmark waited for a core; CPU time does not, so ratios of
 * CPU time stay meaningful when the load changes between benchmarks.
 *
 * <p>{@code cpu.process} is all CPU time of the benchmark JVM (JIT and GC included) over the
 * whole iteration divided by all operations of the iteration; {@code cpu.threads} counts only
 * Java threads (the benchmark thread and, for the handshake, its server thread; not GC or JIT).
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long processBefore;
  private Map<Long, Long> threadsBefore = Map.of();

  @Override
  public String getDescription() {
    return "CPU time per operation (process and Java threads)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    threadsBefore = threadTimes();
    processBefore = os.getProcessCpuTime();
  }

  @Override
  public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long process = os.getProcessCpuTime() - processBefore;
    long javaThreads = 0;
    for (Map.Entry<Long, Long> now : threadTimes().entrySet()) {
      javaThreads += now.getValue() - threadsBefore.getOrDefault(now.getKey(), 0L);
    }
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0 || process < 0) {
      return List.of();
    }
    return List.of(
        new ScalarResult("cpu.process", process / 1e3 / ops, "us/op", AggregationPolicy.AVG),
        new ScalarResult("cpu.threads", javaThreads / 1e3 / ops, "us/op", AggregationPolicy.AVG));
  }

  private Map<Long, Long> threadTimes() {
    Map<Long, Long> times = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        times.put(id, t);
      }
    }
    return times;
  }
}
