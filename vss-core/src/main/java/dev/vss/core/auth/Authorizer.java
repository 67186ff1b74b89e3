package dev.vss.core.auth;

import dev.vss.core.VssException;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the headers of a request to the user token that names the caller's keyspaces (SPEC section
 * 5). The user token never comes from the request body.
 *
 * <p>Header names are case-insensitive. Implementations are thread-safe and fail with {@link
 * VssException} carrying AUTH and a clear message on any bad input: never with another exception.
 */
public interface Authorizer {
  /**
   * Authorizes a request.
   *
   * @param headers the request headers (name to value); names are compared case-insensitively
   * @return the user token, non-empty
   * @throws VssException AUTH when credentials are missing or invalid
   */
  String authorize(Map<String, String> headers);

  /**
   * Whether {@link #authorize} may wait: on I/O (an identity service, a database, a key fetched
   * over the network) or on a lock held for long. An HTTP server runs an authorizer that cannot
   * wait on the connection's I/O thread, before it reads the body, and so hands the request to a
   * worker thread once instead of twice; one that may wait runs on a worker, so that it never
   * stalls the other connections of that I/O thread. Computing alone (a signature check) is not
   * waiting.
   *
   * @return true unless the authorizer only computes; the default, so that an authorizer written
   *     without this method in mind stays off the I/O threads
   */
  default boolean mayBlock() {
    return true;
  }

  /**
   * The value of header {@code name} in {@code headers}, comparing names case-insensitively.
   *
   * @param headers the request headers (name to value)
   * @param name the header name to look for, in any case
   * @return the value, or empty if no header has that name or its value is null
   */
  static Optional<String> header(Map<String, String> headers, String name) {
    String exact = headers.get(name);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
        return Optional.ofNullable(entry.getValue());
      }
    }
    return Optional.empty();
  }
}
