/**
 * The in-memory storage: thread-safe, linearizable per keyspace, not durable (tests, examples and
 * caches).
 */
@NullMarked
package dev.vss.core.memory;

import org.jspecify.annotations.NullMarked;
