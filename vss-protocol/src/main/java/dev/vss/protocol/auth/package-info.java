/**
 * The signature auth header's format: how a client signs ({@link
 * dev.vss.protocol.auth.SignatureAuthHeader}) and the curve both sides use ({@link
 * dev.vss.protocol.auth.Secp256k1}).
 */
@NullMarked
package dev.vss.protocol.auth;

import org.jspecify.annotations.NullMarked;
