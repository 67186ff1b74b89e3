package dev.vss.core.auth;

import java.util.Map;
import java.util.Objects;

/**
 * Development-only authorizer: every request maps to one fixed user token, whatever its headers.
 * Anyone who can reach the server can read and overwrite that user's data; servers using it must
 * log a loud warning at start.
 */
public final class NoAuthorizer implements Authorizer {
  /** The user token used when none is configured. */
  public static final String DEFAULT_USER_TOKEN = "unauthenticated";

  private final String userToken;

  /**
   * An authorizer mapping every request to {@code userToken}.
   *
   * @param userToken the user token every request gets, non-empty
   * @throws IllegalArgumentException if {@code userToken} is empty
   */
  public NoAuthorizer(String userToken) {
    this.userToken = Objects.requireNonNull(userToken, "userToken");
    if (userToken.isEmpty()) {
      throw new IllegalArgumentException("userToken must not be empty");
    }
  }

  /** An authorizer mapping every request to {@link #DEFAULT_USER_TOKEN}. */
  public NoAuthorizer() {
    this(DEFAULT_USER_TOKEN);
  }

  /** {@inheritDoc} It only reads a header. */
  @Override
  public boolean mayBlock() {
    return false;
  }

  @Override
  public String authorize(Map<String, String> headers) {
    return userToken;
  }
}
