/**
 * The VSS rules engine and storage SPI.
 *
 * <p>API: {@code dev.vss.core} (the service and its values), {@code dev.vss.core.auth}
 * (authorizers), {@code dev.vss.core.memory} (the in-memory store), {@code dev.vss.core.export} and
 * its generated format {@code dev.vss.core.export.proto}. SPI: {@code dev.vss.core.spi} (what a
 * storage adapter implements).
 *
 * <p>{@code dev.vss.core.rules} ({@code VssOperations}, {@code RequestValidation}, {@code
 * PageToken}, ...) is not API: it is exported only to this project's own storage adapters (which
 * share the page-token and validation helpers) and to the testkit (whose reference model applies
 * the same rules), never to applications.
 */
// "module": the qualified exports name modules that are built after this one.
@SuppressWarnings("module")
module dev.vss.core {
  // Brings protobuf and Bouncy Castle transitively (the service API speaks protobuf messages).
  requires transitive dev.vss.protocol;
  requires com.nimbusds.jose.jwt;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.core;
  exports dev.vss.core.spi;
  exports dev.vss.core.auth;
  exports dev.vss.core.memory;
  exports dev.vss.core.export;
  exports dev.vss.core.export.proto;
  exports dev.vss.core.rules to
      dev.vss.store.sqlite,
      dev.vss.store.rocksdb,
      dev.vss.store.postgres,
      dev.vss.testkit;
}
