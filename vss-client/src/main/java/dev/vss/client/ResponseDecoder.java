package dev.vss.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.protocol.ErrorStatus;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns an HTTP answer into the response message or the matching {@link VssServerException} (SPEC
 * section 1), after checking the protocol version header of the answer.
 *
 * <p>A non-200 answer is classified by its {@code ErrorResponse.error_code} when the body decodes
 * to one with a known code; otherwise (a plain-text body from the reference server or a proxy) by
 * its HTTP status: 409 CONFLICT, 400 and 413 INVALID_REQUEST, 401 and 403 AUTH, 429 and 5xx
 * INTERNAL_SERVER, anything else an {@link UnexpectedResponseException}.
 */
final class ResponseDecoder {
  private static final int MAX_QUOTED_BODY = 200;

  private ResponseDecoder() {}

  /**
   * Checks the answer's {@value VssClient#PROTOCOL_VERSION_HEADER} header, first and whatever the
   * status, as the deployed client does: every value of the header must be exactly {@value
   * VssClient#PROTOCOL_VERSION}.
   *
   * @param acceptMissing whether an answer without the header passes (a different value never does)
   * @throws ProtocolVersionMismatchException when the header is missing (and not accepted) or
   *     different
   */
  static void checkProtocolVersion(int status, HttpHeaders headers, boolean acceptMissing) {
    List<String> served = headers.allValues(VssClient.PROTOCOL_VERSION_HEADER);
    if (served.isEmpty()) {
      if (acceptMissing) {
        return;
      }
      throw new ProtocolVersionMismatchException(null, VssClient.PROTOCOL_VERSION, status);
    }
    for (String value : served) {
      if (!VssClient.PROTOCOL_VERSION.equals(value)) {
        throw new ProtocolVersionMismatchException(
            String.join(", ", served), VssClient.PROTOCOL_VERSION, status);
      }
    }
  }

  /** The decoded response of a 200 answer, or the exception describing any other answer. */
  /**
   * The wait a 429 or 503 answer asks for in its {@code Retry-After} header (RFC 9110: whole
   * seconds, or an HTTP date), or null when the status is another one or the header is missing or
   * unreadable. A date in the past is a wait of zero.
   */
  static java.time.@Nullable Duration retryAfter(int status, java.net.http.HttpHeaders headers) {
    if (status != ErrorStatus.TOO_MANY_REQUESTS && status != ErrorStatus.SERVICE_UNAVAILABLE) {
      return null;
    }
    java.util.Optional<String> value = headers.firstValue("Retry-After");
    if (value.isEmpty()) {
      return null;
    }
    String text = value.get().trim();
    try {
      long seconds = Long.parseLong(text);
      return seconds < 0 ? null : java.time.Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        java.time.Instant at =
            java.time.ZonedDateTime.parse(
                    text, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();
        java.time.Duration until = java.time.Duration.between(java.time.Instant.now(), at);
        return until.isNegative() ? java.time.Duration.ZERO : until;
      } catch (java.time.format.DateTimeParseException notADate) {
        return null;
      }
    }
  }

  static <T extends Message> T decode(int status, byte[] body, Parser<T> parser) {
    if (status == 200) {
      try {
        return parser.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new UnexpectedResponseException(
            status, "HTTP 200 with a body that is not a VSS response (" + body.length + " bytes)");
      }
    }
    throw error(status, body);
  }

  /** The exception describing a non-200 answer. */
  static VssServerException error(int status, byte[] body) {
    ErrorResponse error = parseErrorResponse(body);
    if (error != null) {
      VssServerException known = forCode(error.getErrorCode(), status, error.getMessage());
      if (known != null) {
        return known;
      }
      // UNKNOWN or a code newer than this client: classify by status below
    }
    String message = describe(body);
    Optional<ErrorCode> byStatus = ErrorStatus.codeOf(status);
    VssServerException byCode =
        byStatus.isPresent() ? forCode(byStatus.get(), status, message) : null;
    if (byCode != null) {
      return byCode;
    }
    return new UnexpectedResponseException(
        status, "HTTP " + status + " is not a VSS answer (wrong base URL?): " + message);
  }

  /** The exception for a known {@code code}, or null for UNKNOWN and codes newer than this. */
  private static @Nullable VssServerException forCode(ErrorCode code, int status, String message) {
    switch (code) {
      case CONFLICT_EXCEPTION:
        return new ConflictException(status, message);
      case INVALID_REQUEST_EXCEPTION:
        return new InvalidRequestException(status, message);
      case INTERNAL_SERVER_EXCEPTION:
        return new InternalServerException(status, message);
      case NO_SUCH_KEY_EXCEPTION:
        return new NoSuchKeyException(status, message);
      case AUTH_EXCEPTION:
        return new AuthException(status, message);
      default:
        return null;
    }
  }

  /** The body as an ErrorResponse carrying a known code, or null. */
  private static @Nullable ErrorResponse parseErrorResponse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      ErrorResponse error = ErrorResponse.parseFrom(body);
      // Arbitrary text can happen to parse as protobuf; only a known code makes it a VSS error.
      ErrorCode code = error.getErrorCode();
      return code == ErrorCode.UNKNOWN || code == ErrorCode.UNRECOGNIZED ? null : error;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** A short, printable rendering of a body that is not an ErrorResponse. */
  private static String describe(byte[] body) {
    if (body.length == 0) {
      return "(empty body)";
    }
    String text =
        new String(body, 0, Math.min(body.length, MAX_QUOTED_BODY), StandardCharsets.UTF_8);
    StringBuilder printable = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      printable.append(Character.isISOControl(c) || c == '\uFFFD' ? '?' : c);
    }
    return printable.toString().strip() + (body.length > MAX_QUOTED_BODY ? "..." : "");
  }
}
