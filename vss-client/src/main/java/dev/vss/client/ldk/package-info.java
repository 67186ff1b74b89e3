/**
 * LDK Node's layout of a VSS store (keys derived from the wallet seed, storage keys of schema V0
 * and V1, the stored schema version), so that a JVM program can share a store with an LDK Node
 * wallet.
 */
@NullMarked
package dev.vss.client.ldk;

import org.jspecify.annotations.NullMarked;
