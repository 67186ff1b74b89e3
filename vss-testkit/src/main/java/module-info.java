/*
 * The VSS conformance testkit: the abstract JUnit/jqwik suites a storage adapter extends
 * ({@code dev.vss.testkit}) and the black-box runner ({@code dev.vss.testkit.runner}).
 *
 * <p>Open, because JUnit and jqwik reflect into the suites (including package-private members).
 */
open module dev.vss.testkit {
  requires transitive dev.vss.core;
  requires transitive org.junit.jupiter.api;
  requires transitive net.jqwik.api;
  requires transitive org.assertj.core;
  // the suites' @ParameterizedTest methods are inherited by the adapter's test classes
  requires transitive org.junit.jupiter.params;
  // only the black-box runner (ConformanceRunner) launches JUnit itself; optional in the pom
  requires static org.junit.platform.launcher;
  // HttpVssEndpoint takes an HttpClient
  requires transitive java.net.http;
  requires com.nimbusds.jose.jwt;

  exports dev.vss.testkit;
  exports dev.vss.testkit.runner;
}
