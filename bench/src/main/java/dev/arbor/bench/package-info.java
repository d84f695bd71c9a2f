/**
 * JMH benchmarks of the kernels, level scoring, beam search, segment opening and tree building
 * ({@code bench/run-jmh}); docs/BENCHMARKS.md reports them.
 */
package dev.arbor.bench;
