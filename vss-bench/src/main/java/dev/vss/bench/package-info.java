/**
 * The storage benchmark harness: {@link dev.vss.bench.StorageBenchmark} measures any adapter that
 * {@link dev.vss.bench.StorageFactories} knows by name. Not part of the test suite.
 */
package dev.vss.bench;
