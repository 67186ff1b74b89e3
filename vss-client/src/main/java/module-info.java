/**
 * The Java VSS client: the HTTP client ({@code dev.vss.client}), header providers ({@code .auth}),
 * the client-side encryption ({@code .crypto}), the encrypted key-value view ({@code .store}) and
 * LDK Node's layout and keys ({@code .ldk}).
 */
module dev.vss.client {
  requires transitive dev.vss.protocol;
  requires java.net.http;
  requires org.bouncycastle.provider;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.client;
  exports dev.vss.client.auth;
  exports dev.vss.client.crypto;
  exports dev.vss.client.ldk;
  exports dev.vss.client.store;
}
