/**
 * Authorizers: map a request's headers to the caller's user token (signature, JWT and no-auth
 * implementations).
 */
@NullMarked
package dev.vss.core.auth;

import org.jspecify.annotations.NullMarked;
