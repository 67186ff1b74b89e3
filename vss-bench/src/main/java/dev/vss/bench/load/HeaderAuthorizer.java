package dev.vss.bench.load;

import dev.vss.core.VssException;
import dev.vss.core.auth.Authorizer;
import java.util.Map;

/**
 * Benchmark-only authorizer: {@code Authorization: user-<n>} names user {@code n}, whose user token
 * is {@code user-<n>}. It checks nothing else, so it must never guard real data.
 *
 * <p>It exists so the load benchmark can spread requests over many keyspaces (as a hosted server
 * sees many wallets) without paying for signature checks, whose cost is not what the benchmark
 * measures; the real authorizers are measured (or not) on their own.
 */
public final class HeaderAuthorizer implements Authorizer {
  /** What every user token starts with; the rest is the user's number. */
  public static final String TOKEN_PREFIX = "user-";

  /** Creates the authorizer; it holds no state. */
  public HeaderAuthorizer() {}

  @Override
  public String authorize(Map<String, String> headers) {
    String value =
        Authorizer.header(headers, "Authorization")
            .orElseThrow(() -> VssException.auth("missing Authorization header"));
    if (!value.startsWith(TOKEN_PREFIX)
        || value.length() == TOKEN_PREFIX.length()
        || value.length() > TOKEN_PREFIX.length() + 9) {
      throw VssException.auth("expected Authorization: " + TOKEN_PREFIX + "<number>");
    }
    for (int i = TOKEN_PREFIX.length(); i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw VssException.auth("expected Authorization: " + TOKEN_PREFIX + "<number>");
      }
    }
    return value;
  }
}
