/**
 * The VSS conformance kit: suites every {@code Storage} adapter (and any VSS endpoint, such as a
 * server reached over HTTP) runs to prove it implements SPEC sections 4 and 7.
 *
 * <p>Every suite has two entry points, {@code Storage<Suite>} for a {@code Storage} adapter and
 * {@code Vss<Suite>} for any endpoint; an integrator extends one class per suite.
 *
 * <ul>
 *   <li>{@link dev.vss.testkit.VssEndpoint}: the four operations the suites call.
 *   <li>{@link dev.vss.testkit.StorageConformanceSuite} / {@link
 *       dev.vss.testkit.VssConformanceSuite}: readable JUnit 5 scenarios, one per rule, in
 *       scenario-group interfaces ({@link dev.vss.testkit.PutScenarios}, {@link
 *       dev.vss.testkit.ListScenarios}, ...) over one {@link dev.vss.testkit.ConformanceFixture}.
 *   <li>{@link dev.vss.testkit.StorageModelPropertySuite} / {@link
 *       dev.vss.testkit.VssModelPropertySuite}: a jqwik stateful property comparing every answer
 *       with the reference model ({@link dev.vss.testkit.ReferenceEndpoint}).
 *   <li>{@link dev.vss.testkit.StorageConcurrencySuite} / {@link
 *       dev.vss.testkit.VssConcurrencySuite}: races that check linearizable writes and
 *       read-after-write.
 *   <li>{@link dev.vss.testkit.StorageConsistencySuite} / {@link
 *       dev.vss.testkit.VssConsistencySuite}: atomic visibility of multi-item puts, linearizable
 *       histories ({@link dev.vss.testkit.LinearizabilityChecker} against {@link
 *       dev.vss.testkit.KeyspaceSequentialModel}), and a SIGKILL crash-consistency test.
 *   <li>{@link dev.vss.testkit.VssArbitraries}: jqwik generators for integrators' own properties.
 *   <li>{@link dev.vss.testkit.KeyspaceModel}: the reference model of one keyspace that the
 *       properties and the linearizability checker compare with; {@link
 *       dev.vss.testkit.ReferenceStorage}: the plainest correct {@code Storage}, to diff an adapter
 *       against.
 * </ul>
 */
package dev.vss.testkit;
