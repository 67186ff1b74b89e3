package dev.vss.server.app;

/**
 * A listen or connect address, {@code HOST:PORT}, as the bind address and the PostgreSQL address
 * settings take it: an IPv6 literal in brackets ({@code [::1]:8080}), port 0 to 65535.
 *
 * @param host the host name or IP literal, without brackets
 * @param port the port; 0 picks a free one when listening
 */
record HostPort(String host, int port) {

  /**
   * Parses {@code HOST:PORT}, surrounding blanks ignored.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static HostPort parse(String text) {
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected HOST:PORT, such as 127.0.0.1:8080");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("an IPv6 address needs brackets, such as [::1]:8080");
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[')) {
      throw new IllegalArgumentException("expected HOST:PORT, such as 127.0.0.1:8080");
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the port must be between 0 and 65535");
    }
    return new HostPort(host, port);
  }

  /** {@code HOST:PORT}, with brackets around an IPv6 literal. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
