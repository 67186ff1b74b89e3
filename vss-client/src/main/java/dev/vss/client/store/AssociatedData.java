package dev.vss.client.store;

import java.nio.charset.StandardCharsets;

/**
 * What an {@link EncryptedStore} binds each encrypted value to (the AEAD associated data), so that
 * a server cannot move a value to another key undetected. The choice must match the one used when
 * the data was written.
 */
public enum AssociatedData {
  /**
   * The key as the application names it, UTF-8 (CLIENT-FORMATS, "Value encryption"). The default.
   */
  CALLER_KEY,

  /**
   * The key as stored on the server, i.e. the obfuscated key, UTF-8. This is what LDK Node's
   * {@code VssStore} (schema v1) and the {@code vss-client-ng} based clients pass.
   */
  STORAGE_KEY,

  /**
   * Nothing: what older deployed clients wrote. Offers no protection against swapped values; use it
   * only to read such data.
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
