/**
 * The VSS wire contract beside the generated messages of {@code dev.vss.proto}: the four methods
 * ({@link dev.vss.protocol.VssMethod}), error codes and their HTTP statuses ({@link
 * dev.vss.protocol.ErrorStatus}), the protocol version header ({@link
 * dev.vss.protocol.ProtocolVersion}) and the version arithmetic ({@link
 * dev.vss.protocol.Versions}).
 */
@NullMarked
package dev.vss.protocol;

import org.jspecify.annotations.NullMarked;
