package dev.vss.server;

import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per VSS API request, at INFO on the logger {@value #LOGGER_NAME}.
 *
 * <pre>
 * time=2026-12-01T17:20:00.123Z method=putObjects status=200 ms=1.234 in=312 out=2 user=5f0c2e1ab7d94c33
 * </pre>
 *
 * <p>{@code method} is the VSS method, or the request path when it names none; {@code in} and
 * {@code out} are the request body bytes (as declared by Content-Length, {@code -} if not) and the
 * response bytes sent; {@code user} identifies the caller by the first 8 bytes (hex) of the SHA-256
 * of their user token, {@code -} when the request was not authorized. The token itself is never
 * logged: the hash lets an operator follow one user's requests without learning what authenticates
 * them.
 */
final class AccessLog {
  /** The logger the lines go to; turn it off there, or with {@code --access-log off}. */
  static final String LOGGER_NAME = "vss.access";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_PATH_CHARS = 120;

  private AccessLog() {}

  /** Logs the finished {@code exchange} that started at {@code start} ({@code startNanos}). */
  static void log(HttpServerExchange exchange, Instant start, long startNanos) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String method = exchange.getAttachment(VssHttpHandler.METHOD);
    if (method == null || method.equals(VssHttpHandler.UNKNOWN_METHOD)) {
      method = exchange.getRequestPath();
    }
    String token = exchange.getAttachment(VssHttpHandler.USER_TOKEN);
    LOG.info(
        line(
            start,
            method,
            exchange.getStatusCode(),
            System.nanoTime() - startNanos,
            exchange.getRequestContentLength(),
            exchange.getResponseBytesSent(),
            token == null ? null : userId(token)));
  }

  /**
   * One access log line.
   *
   * @param method the VSS method or the request path (sanitized here: it comes from the client)
   * @param requestBytes the request body length, negative when unknown
   * @param userId the {@link #userId} of the caller, or null before authorization
   */
  static String line(
      Instant start,
      String method,
      int status,
      long elapsedNanos,
      long requestBytes,
      long responseBytes,
      String userId) {
    return "time="
        + start.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
        + " method="
        + sanitize(method)
        + " status="
        + status
        + " ms="
        + String.format(java.util.Locale.ROOT, "%.3f", elapsedNanos / 1e6)
        + " in="
        + (requestBytes < 0 ? "-" : Long.toString(requestBytes))
        + " out="
        + responseBytes
        + " user="
        + (userId == null ? "-" : userId);
  }

  /** The first 8 bytes of SHA-256 over the UTF-8 user token, as 16 hex digits. */
  static String userId(String userToken) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(userToken.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** One token without spaces or control characters, so a client cannot forge or split lines. */
  private static String sanitize(String text) {
    if (text.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_PATH_CHARS + 3));
    for (int i = 0; i < text.length() && i < MAX_PATH_CHARS; i++) {
      char c = text.charAt(i);
      out.append(c <= ' ' || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
    }
    if (text.length() > MAX_PATH_CHARS) {
      out.append("...");
    }
    return out.toString();
  }
}
