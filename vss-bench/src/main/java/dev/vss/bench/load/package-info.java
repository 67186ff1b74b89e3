/**
 * The load benchmark: {@link dev.vss.bench.load.LoadBenchmark} drives the VSS HTTP server on each
 * store with a closed-loop load generator and measures, in the same run, the two ceilings that
 * bound it (the same HTTP stack answering a no-op endpoint, and each store's operation rate through
 * {@code VssService} without HTTP). Not part of the test suite; see {@code vss-bench/README.md} and
 * {@code BENCHMARKS.md}.
 */
package dev.vss.bench.load;
