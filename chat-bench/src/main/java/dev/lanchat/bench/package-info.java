/**
 * JMH benchmarks of chat-common's primitives against the alternatives it did not choose, a
 * loopback record-throughput probe, and a load scenario against a real chat-server
 * ({@link dev.lanchat.bench.LoadScenario}). Run them from
 * {@code chat-bench/target/benchmarks.jar}; see docs/performance.md.
 */
package dev.lanchat.bench;
