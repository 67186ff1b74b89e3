/**
 * The embedding API: {@link dev.vss.core.VssService} (the four VSS operations over any storage),
 * {@link dev.vss.core.VssException}, {@link dev.vss.core.Keyspace}, {@link dev.vss.core.Limits} and
 * {@link dev.vss.core.Quotas}. Nothing in this module is null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.vss.core;

import org.jspecify.annotations.NullMarked;
