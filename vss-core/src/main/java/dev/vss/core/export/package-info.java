/**
 * The portable export format: a checksummed stream of keyspaces and records, written and read by
 * the admin export, import and backup commands.
 */
@NullMarked
package dev.vss.core.export;

import org.jspecify.annotations.NullMarked;
