/** Java VSS client compatible with the deployed Rust client. */
@NullMarked
package dev.vss.client;

import org.jspecify.annotations.NullMarked;
