/**
 * JMH benchmarks of chat-common's primitives against the alternatives it did not choose, and a
 * loopback record-throughput probe. Run them from {@code chat-bench/target/benchmarks.jar}; see
 * docs/performance.md.
 */
package dev.lanchat.bench;
