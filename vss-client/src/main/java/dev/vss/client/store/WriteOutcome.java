package dev.vss.client.store;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The outcome of a conditional write or delete through an {@link EncryptedStore}: applied, or
 * refused because the key is no longer as this store last saw it. A conflict is an expected
 * outcome, not an error: read the key again, merge, and write again.
 */
public final class WriteOutcome {
  /** What happened. */
  public enum Status {
    /** The value was written; {@link #version()} is the version the server now holds. */
    WRITTEN,
    /** The key was deleted (or, for an unconditional delete, is now absent). */
    DELETED,
    /**
     * Nothing was changed: another writer created, changed or deleted the key since this store last
     * read or wrote it. The store forgets the version it had; {@code get} the key again.
     */
    CONFLICT
  }

  private static final WriteOutcome DELETED = new WriteOutcome(Status.DELETED, 0, "");

  private final Status status;
  private final long version;
  private final String conflictMessage;

  private WriteOutcome(Status status, long version, String conflictMessage) {
    this.status = status;
    this.version = version;
    this.conflictMessage = conflictMessage;
  }

  static WriteOutcome written(long version) {
    return new WriteOutcome(Status.WRITTEN, version, "");
  }

  static WriteOutcome deleted() {
    return DELETED;
  }

  static WriteOutcome conflict(String serverMessage) {
    return new WriteOutcome(Status.CONFLICT, 0, Objects.requireNonNull(serverMessage));
  }

  /** What happened. */
  public Status status() {
    return status;
  }

  /** Whether the write was refused because of a concurrent change. */
  public boolean isConflict() {
    return status == Status.CONFLICT;
  }

  /** The version the server now holds, for {@link Status#WRITTEN}; empty otherwise. */
  public OptionalLong version() {
    return status == Status.WRITTEN ? OptionalLong.of(version) : OptionalLong.empty();
  }

  /** The server's explanation of a {@link Status#CONFLICT}; empty otherwise. */
  public String conflictMessage() {
    return conflictMessage;
  }

  @Override
  public String toString() {
    switch (status) {
      case WRITTEN:
        return "WRITTEN(version " + version + ")";
      case CONFLICT:
        return "CONFLICT(" + conflictMessage + ")";
      default:
        return status.name();
    }
  }
}
