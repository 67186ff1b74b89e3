package dev.vss.client.store;

import java.nio.charset.StandardCharsets;

/**
 * What an {@link EncryptedStore} binds each encrypted value to (the AEAD associated data), so that
 * a server cannot move a value to another key undetected. The choice must match the one used when
 * the data was written: a value sealed with one choice does not open with another.
 *
 * <p>The default is {@link #STORAGE_KEY}, what LDK Node writes today (its schema V1, the layout of
 * every store it created since it introduced that schema). {@link #NONE} reads LDK Node's older
 * schema V0 data; {@link #CALLER_KEY} reads data written with that choice (the default of this
 * client before it followed LDK Node).
 */
public enum AssociatedData {
  /**
   * The key as stored on the server, i.e. the obfuscated string sent as {@code KeyValue.key},
   * UTF-8. This is what LDK Node's {@code VssStore} passes in its current layout (schema V1), and
   * the default.
   */
  STORAGE_KEY,

  /**
   * The key as the application names it (before obfuscation), UTF-8. No deployed LDK Node layout
   * uses it; for data written with this choice.
   */
  CALLER_KEY,

  /**
   * Nothing: what LDK Node's older schema V0 wrote. Offers no protection against swapped values;
   * use it only to read or extend such data.
   */
  NONE;

  /** The associated-data bytes for a value stored under {@code callerKey} / {@code storageKey}. */
  byte[] bytes(String callerKey, String storageKey) {
    switch (this) {
      case CALLER_KEY:
        return callerKey.getBytes(StandardCharsets.UTF_8);
      case STORAGE_KEY:
        return storageKey.getBytes(StandardCharsets.UTF_8);
      default:
        return new byte[0];
    }
  }
}
