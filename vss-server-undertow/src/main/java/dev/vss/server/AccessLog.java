package dev.vss.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

  /**
   * User ids of recent tokens. Bounded: tokens are client input, and the cache must not grow with
   * them.
   */
  private static final Cache<String, String> USER_IDS =
      Caffeine.newBuilder().maximumSize(10_000).build();

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
    // Built by hand: a line is written per request, and String.format cost more than the rest of
    // the line together in profiles of the put path.
    StringBuilder line = new StringBuilder(128);
    line.append("time=").append(start.truncatedTo(ChronoUnit.MILLIS)).append(" method=");
    sanitize(method, line);
    line.append(" status=").append(status).append(" ms=");
    appendMillis(elapsedNanos, line);
    line.append(" in=");
    if (requestBytes < 0) {
      line.append('-');
    } else {
      line.append(requestBytes);
    }
    line.append(" out=").append(responseBytes).append(" user=");
    line.append(userId == null ? "-" : userId);
    return line.toString();
  }

  /** Milliseconds with three decimals, rounded half up (as {@code %.3f} would print them). */
  private static void appendMillis(long nanos, StringBuilder out) {
    long micros = (Math.max(0, nanos) + 500) / 1000;
    long fraction = micros % 1000;
    out.append(micros / 1000).append('.');
    if (fraction < 100) {
      out.append(fraction < 10 ? "00" : "0");
    }
    out.append(fraction);
  }

  /**
   * The first 8 bytes of SHA-256 over the UTF-8 user token, as 16 hex digits; remembered for the
   * most recent users, whose requests usually come in runs.
   */
  static String userId(String userToken) {
    return USER_IDS.get(userToken, AccessLog::hashUserToken);
  }

  private static String hashUserToken(String userToken) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(userToken.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** One token without spaces or control characters, so a client cannot forge or split lines. */
  private static void sanitize(String text, StringBuilder out) {
    if (text.isEmpty()) {
      out.append('/');
      return;
    }
    for (int i = 0; i < text.length() && i < MAX_PATH_CHARS; i++) {
      char c = text.charAt(i);
      out.append(c <= ' ' || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
    }
    if (text.length() > MAX_PATH_CHARS) {
      out.append("...");
    }
  }
}
