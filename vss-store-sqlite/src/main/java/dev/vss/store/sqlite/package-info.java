/** Durable SQLite storage adapter with group commit. */
package dev.vss.store.sqlite;
