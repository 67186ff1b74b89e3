/** Java VSS client compatible with the deployed Rust client. */
package dev.vss.client;
