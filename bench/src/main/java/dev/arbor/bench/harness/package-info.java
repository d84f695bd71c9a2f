/**
 * The {@code arbor bench} harness and studies: recall, latency, QPS and FLOPs of beam search on synthetic
 * indexes, and level scoring against ONNX Runtime, written as CSV, JSON and PNG charts. It uses no JMH, so the CLI
 * can depend on it.
 */
package dev.arbor.bench.harness;
