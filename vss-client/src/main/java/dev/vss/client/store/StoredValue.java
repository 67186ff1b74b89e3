package dev.vss.client.store;

import java.util.Arrays;
import java.util.Objects;

/** A decrypted value as read from an {@link EncryptedStore}, with the server's version of it. */
public final class StoredValue {
  private final String key;
  private final byte[] value;
  private final long version;

  StoredValue(String key, byte[] value, long version) {
    this.key = Objects.requireNonNull(key, "key");
    this.value = value.clone();
    this.version = version;
  }

  /** The key as the application names it (not obfuscated). */
  public String key() {
    return key;
  }

  /** The decrypted value (a copy). */
  public byte[] value() {
    return value.clone();
  }

  /** The version the server holds for this key; the next conditional write expects it. */
  public long version() {
    return version;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredValue other
        && key.equals(other.key)
        && version == other.version
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, version, Arrays.hashCode(value));
  }

  /** Names the key, version and value size, never the value itself (it is secret). */
  @Override
  public String toString() {
    return "StoredValue{key=" + key + ", version=" + version + ", " + value.length + " bytes}";
  }
}
