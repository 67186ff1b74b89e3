package dev.vss.server;

import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.NoAuthorizer;
import java.util.Locale;

/** How the server authenticates callers (SPEC section 5). */
enum AuthMode {
  /** Development only: every request is the same user. */
  NONE("none") {
    @Override
    Authorizer create(ServerConfig config) {
      return new NoAuthorizer();
    }
  };

  private final String configName;

  AuthMode(String configName) {
    this.configName = configName;
  }

  /**
   * The authorizer for this mode.
   *
   * @throws ConfigException if the configuration lacks what the mode needs or holds a bad key
   */
  abstract Authorizer create(ServerConfig config);

  /** The name used in flags, environment, config files and logs. */
  String configName() {
    return configName;
  }

  /** The mode named {@code name} (case-insensitive), or null. */
  static AuthMode named(String name) {
    for (AuthMode mode : values()) {
      if (mode.configName.equals(name.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    return null;
  }

  /** The accepted names, for error messages. */
  static String names() {
    StringBuilder names = new StringBuilder();
    for (AuthMode mode : values()) {
      names.append(names.length() == 0 ? "" : "|").append(mode.configName);
    }
    return names.toString();
  }
}
