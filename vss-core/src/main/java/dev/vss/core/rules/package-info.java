/**
 * The VSS rules as pure functions: request validation, conflict and quota rules, page tokens, and
 * the four operations over any storage. Internal: not API, may change in any release.
 */
@NullMarked
package dev.vss.core.rules;

import org.jspecify.annotations.NullMarked;
