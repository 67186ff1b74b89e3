package dev.vss.client.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The same headers on every request: a static API key, a long-lived bearer token, or headers a
 * gateway in front of the VSS server expects.
 */
public final class FixedHeaders implements HeaderProvider {
  private final Map<String, String> headers;

  private FixedHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  /**
   * A provider that always returns a copy of {@code headers}.
   *
   * @throws IllegalArgumentException if a name is empty or a name or value contains a line break
   */
  public static FixedHeaders of(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers");
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "header name");
          Objects.requireNonNull(value, "header value");
          if (name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be empty");
          }
          // A line break would let a value smuggle a second header into the request.
          if (name.indexOf('\r') >= 0
              || name.indexOf('\n') >= 0
              || value.indexOf('\r') >= 0
              || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(
                "header '" + name.strip() + "' contains a line break");
          }
          copy.put(name, value);
        });
    return new FixedHeaders(Map.copyOf(copy));
  }

  /** A provider that always sends {@code Authorization: <value>}. */
  public static FixedHeaders authorization(String value) {
    return of(Map.of("Authorization", value));
  }

  @Override
  public Map<String, String> headers() {
    return headers;
  }
}
