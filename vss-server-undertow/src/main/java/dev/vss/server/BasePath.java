package dev.vss.server;

import java.util.Objects;

/** The rules for the path the VSS API is mounted under. */
final class BasePath {
  /** The paths of the operator endpoints, which the API may not shadow. */
  private static final String[] RESERVED = {"/health", "/ready", "/metrics"};

  private BasePath() {}

  /**
   * Checks and normalizes a base path: it starts with {@code /}, has no trailing {@code /} (except
   * the root itself), no empty segment, none of {@code ? # %} or whitespace, and is not an operator
   * path.
   *
   * @throws IllegalArgumentException saying which rule is broken
   */
  static String normalize(String basePath) {
    Objects.requireNonNull(basePath, "basePath");
    if (!basePath.startsWith("/")) {
      throw new IllegalArgumentException("base path must start with '/': " + basePath);
    }
    String normalized = basePath;
    while (normalized.length() > 1 && normalized.endsWith("/")) {
      normalized = normalized.substring(0, normalized.length() - 1);
    }
    for (int i = 0; i < normalized.length(); i++) {
      char c = normalized.charAt(i);
      if (c == '?' || c == '#' || c == '%' || Character.isWhitespace(c) || c < 0x20) {
        throw new IllegalArgumentException("base path must be a plain path: " + basePath);
      }
    }
    if (normalized.contains("//")) {
      throw new IllegalArgumentException("base path must not contain '//': " + basePath);
    }
    for (String reserved : RESERVED) {
      if (normalized.equals(reserved)) {
        throw new IllegalArgumentException("base path must not be " + reserved);
      }
    }
    return normalized;
  }
}
