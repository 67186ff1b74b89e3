/**
 * The storage SPI a storage adapter implements ({@link dev.vss.core.spi.Storage}) and its value
 * types. An adapter holds no VSS rule: it runs the core's pure {@link
 * dev.vss.core.spi.WriteDecision} over a consistent view and applies the returned plan atomically
 * and durably.
 */
@NullMarked
package dev.vss.core.spi;

import org.jspecify.annotations.NullMarked;
