/**
 * The VSS wire protocol: the generated protobuf messages ({@code dev.vss.proto}), the protocol
 * tables and limits ({@code dev.vss.protocol}) and the signature-auth header format ({@code
 * dev.vss.protocol.auth}), shared by the server side and the client.
 */
module dev.vss.protocol {
  // The generated messages extend protobuf types, so every reader of this module needs protobuf.
  requires transitive com.google.protobuf;
  // Secp256k1's public constants are Bouncy Castle types.
  requires transitive org.bouncycastle.provider;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.proto;
  exports dev.vss.protocol;
  exports dev.vss.protocol.auth;
}
