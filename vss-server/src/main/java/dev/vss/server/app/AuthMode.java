package dev.vss.server.app;

import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.JwtAuthorizer;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.auth.SignatureAuthorizer;
import java.time.Clock;
import java.util.Locale;

/** How the server authenticates callers (SPEC section 5). */
enum AuthMode {
  /**
   * The reference server's default: a secp256k1 signature over a timestamp; the key is the user.
   */
  SIGNATURE("signature") {
    @Override
    Authorizer create(ServerConfig config) {
      return new SignatureAuthorizer(Clock.systemUTC(), config.signatureMaxSkew());
    }
  },
  /** {@code Authorization: Bearer <jwt>}, RS256 against the configured RSA public key. */
  JWT("jwt") {
    @Override
    Authorizer create(ServerConfig config) {
      String pem =
          config
              .jwtPublicKeyPem()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "auth jwt ("
                              + config.sourceOf(Setting.AUTH)
                              + ") needs an RSA public key: "
                              + Setting.JWT_PUBLIC_KEY.flag()
                              + " PEM_FILE, "
                              + Setting.JWT_PUBLIC_KEY.env()
                              + " or jwt_auth_config.rsa_pem"));
      try {
        return new JwtAuthorizer(pem);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "invalid " + config.sourceOf(Setting.JWT_PUBLIC_KEY) + ": " + e.getMessage(), e);
      }
    }
  },
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

  /**
   * The mode named {@code text} (case-insensitive, blanks around it ignored): the parser of its
   * setting in {@link Setting}.
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  static AuthMode parse(String text) {
    AuthMode mode = named(text.trim());
    if (mode == null) {
      throw new IllegalArgumentException("expected one of " + names());
    }
    return mode;
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
