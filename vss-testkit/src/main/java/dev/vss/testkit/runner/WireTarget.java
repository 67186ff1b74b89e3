package dev.vss.testkit.runner;

import dev.vss.core.Limits;
import dev.vss.protocol.auth.SignatureAuthHeader;
import dev.vss.testkit.Capability;
import dev.vss.testkit.VssEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The server the black-box runner tests: its API base URL, how user tokens become credentials, and
 * the limits it enforces. The runner sets it once before it launches the suites ({@link #use}), and
 * the wire suites read it; it can also be given as the system properties {@code vss.testkit.url}
 * and {@code vss.testkit.auth} ({@code none} or {@code signature}).
 *
 * @param base the API base URI, such as {@code http://127.0.0.1:8080/vss}
 * @param auth how user tokens become credentials
 * @param limits the limits the server enforces
 * @param jwt the JWT credentials when {@code auth} is {@link Auth#JWT}, else null
 */
public record WireTarget(URI base, Auth auth, Limits limits, JwtCredentials jwt) {
  /** Length of the store-id prefix that keeps checks apart when the runner is one user. */
  static final int STORE_PREFIX_LENGTH = 9;

  private static volatile WireTarget current;
  private static final HttpClient CLIENT = HttpVssEndpoint.newClient();

  /** Signing keys by salted user token: deriving a public key costs a point multiplication. */
  private static final Map<String, SignatureAuthHeader> SIGNERS = new ConcurrentHashMap<>();

  /** How the runner turns a user token into credentials the server accepts. */
  public enum Auth {
    /**
     * No {@code Authorization} header: every request reaches the server's one user, so the
     * scenarios that need {@link Capability#SEVERAL_USERS} are skipped and keyspaces are shared.
     */
    NONE,
    /**
     * The reference server's signature scheme: each user token gets its own secp256k1 key (derived
     * from the token), so distinct tokens are distinct users on the server.
     */
    SIGNATURE,
    /**
     * JWT authentication ({@code Authorization: Bearer <jwt>}) with {@link JwtCredentials}: tokens
     * minted per user token with the issuer's RSA key (several users), or one fixed token (one
     * user).
     */
    JWT;

    /** Parses {@code none}, {@code signature} or {@code jwt}. */
    public static Auth parse(String text) {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * Requires every component, and JWT credentials exactly when {@code auth} is {@link Auth#JWT}; a
   * trailing slash of {@code base} is dropped.
   */
  public WireTarget {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(limits, "limits");
    if ((auth == Auth.JWT) != (jwt != null)) {
      throw new IllegalArgumentException(
          auth == Auth.JWT
              ? "auth jwt needs JWT credentials (a private key to mint tokens, or a token)"
              : "JWT credentials are only used with auth jwt");
    }
    String text = base.toString();
    if (text.endsWith("/")) {
      base = URI.create(text.substring(0, text.length() - 1));
    }
  }

  /** A target with {@code none} or {@code signature} auth. */
  public WireTarget(URI base, Auth auth, Limits limits) {
    this(base, auth, limits, null);
  }

  /** Makes {@code target} the server the wire suites test. */
  public static void use(WireTarget target) {
    current = Objects.requireNonNull(target, "target");
  }

  /** The server the wire suites test: the one {@link #use}d, else the system properties. */
  public static WireTarget current() {
    WireTarget target = current;
    if (target != null) {
      return target;
    }
    String url = System.getProperty("vss.testkit.url");
    if (url == null) {
      throw new IllegalStateException(
          "no server to test: run the kit's runner with --url, or set -Dvss.testkit.url");
    }
    return new WireTarget(
        URI.create(url),
        Auth.parse(System.getProperty("vss.testkit.auth", "signature")),
        Limits.DEFAULTS);
  }

  /** Whether distinct user tokens reach distinct users on the server through this auth mode. */
  public boolean severalUsers() {
    return switch (auth) {
      case NONE -> false;
      case SIGNATURE -> true;
      case JWT -> jwt.severalUsers();
    };
  }

  /** What the server can be tested for through this auth mode. */
  public Set<Capability> capabilities() {
    return severalUsers() ? EnumSet.of(Capability.SEVERAL_USERS) : EnumSet.noneOf(Capability.class);
  }

  /**
   * The limits the wire suites test: the server's, except that with one user the store-id limit is
   * reduced by the length of the prefix {@link #endpoint()} adds to every store id.
   */
  public Limits scenarioLimits() {
    if (severalUsers()) {
      return limits;
    }
    if (limits.maxStoreIdLength() <= STORE_PREFIX_LENGTH) {
      throw new IllegalStateException(
          "a store-id limit of "
              + limits.maxStoreIdLength()
              + " leaves no room for the runner's "
              + STORE_PREFIX_LENGTH
              + "-character prefix");
    }
    return limits.withMaxStoreIdLength(limits.maxStoreIdLength() - STORE_PREFIX_LENGTH);
  }

  /**
   * An endpoint for one check. User tokens are sent as they are; with one user (no distinct
   * credentials per token) every store id gets a fresh prefix, so the check's keyspaces start empty
   * all the same.
   */
  public VssEndpoint endpoint() {
    return forOneCheck("");
  }

  /**
   * An endpoint that prefixes every user token with a fresh salt (and, with one user, every store
   * id), so its keyspaces for any token start empty on a long-running server.
   */
  public VssEndpoint saltedEndpoint() {
    return forOneCheck(UUID.randomUUID().toString().substring(0, 8) + "-");
  }

  private VssEndpoint forOneCheck(String salt) {
    HttpVssEndpoint endpoint = endpoint(salt);
    return severalUsers()
        ? endpoint
        : new StoreIdPrefixingEndpoint(
            endpoint, UUID.randomUUID().toString().substring(0, STORE_PREFIX_LENGTH - 1) + "/");
  }

  HttpVssEndpoint endpoint(String salt) {
    Function<String, Optional<String>> credentials =
        switch (auth) {
          case NONE -> user -> Optional.empty();
          case SIGNATURE ->
              user ->
                  Optional.of(
                      SIGNERS
                          .computeIfAbsent(
                              salt + user, token -> SignatureAuthHeader.forPrivateKey(keyOf(token)))
                          .valueAt(System.currentTimeMillis() / 1000));
          case JWT -> user -> Optional.of(jwt.authorization(salt + user));
        };
    return new HttpVssEndpoint(
        CLIENT, base, credentials, base + " (auth " + auth.name().toLowerCase(Locale.ROOT) + ")");
  }

  /** A secp256k1 private key derived from the user token: equal tokens, equal users. */
  private static byte[] keyOf(String userToken) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      // A SHA-256 digest is a valid key except with probability about 2^-128.
      return sha256.digest(("vss-testkit user " + userToken).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
