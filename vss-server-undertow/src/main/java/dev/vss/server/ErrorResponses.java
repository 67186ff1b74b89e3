package dev.vss.server;

import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.protocol.ProtocolVersion;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes SPEC section 1 responses: protobuf bodies, the ErrorCode-to-status table and the protocol
 * version header that every response carries.
 */
final class ErrorResponses {
  /** The content type of every protobuf body, as the reference server and clients use. */
  static final String PROTOBUF_CONTENT_TYPE = "application/octet-stream";

  /** {@link ProtocolVersion#HEADER} as Undertow's header name type. */
  static final HttpString PROTOCOL_VERSION_HEADER = new HttpString(ProtocolVersion.HEADER);

  /** The message of every 500: details stay in the server log. */
  static final String INTERNAL_MESSAGE = "internal server error";

  /**
   * The body of every 500, serialized once: answering an {@code OutOfMemoryError} must not need
   * much memory.
   */
  static final byte[] INTERNAL_ERROR_BODY =
      errorBody(ErrorCode.INTERNAL_SERVER_EXCEPTION, INTERNAL_MESSAGE);

  private ErrorResponses() {}

  /** The HTTP status of {@code code} (SPEC section 1 table). */
  static int statusOf(ErrorCode code) {
    return dev.vss.protocol.ErrorStatus.of(code);
  }

  /**
   * The {@code ErrorResponse} code for a status that did not come from a {@code VssException}
   * (Undertow's own 500 or 503, the draining 503): client mistakes are invalid requests, the rest
   * internal.
   */
  static ErrorCode codeForStatus(int status) {
    if (status == StatusCodes.UNAUTHORIZED
        || status == dev.vss.protocol.ErrorStatus.TOO_MANY_REQUESTS) {
      return dev.vss.protocol.ErrorStatus.codeOf(status).orElseThrow();
    }
    return status >= 400 && status < 500
        ? ErrorCode.INVALID_REQUEST_EXCEPTION
        : ErrorCode.INTERNAL_SERVER_EXCEPTION;
  }

  /** Puts the protocol version header on the response (idempotent). */
  static void markProtocolVersion(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(PROTOCOL_VERSION_HEADER, ProtocolVersion.VALUE);
  }

  /**
   * Makes sure {@code exchange} answers in the protocol's shape however it ends: puts the protocol
   * version header on it now, and registers a default response that writes an {@code ErrorResponse}
   * when the exchange ends with an error status and no body (Undertow's 500 after a handler threw,
   * its 503 when a dispatch is rejected, the 503 of a draining server).
   */
  static void answerInProtocol(HttpServerExchange exchange) {
    markProtocolVersion(exchange);
    exchange.addDefaultResponseListener(DEFAULT_ERROR_BODY);
  }

  private static final DefaultResponseListener DEFAULT_ERROR_BODY =
      exchange -> {
        if (exchange.isResponseStarted() || !exchange.isResponseChannelAvailable()) {
          return false;
        }
        int status = exchange.getStatusCode();
        if (status < 400) {
          return false;
        }
        ErrorCode code = codeForStatus(status);
        String message =
            status == StatusCodes.SERVICE_UNAVAILABLE
                ? "server unavailable (shutting down or overloaded); retry later"
                : code == ErrorCode.INTERNAL_SERVER_EXCEPTION
                    ? INTERNAL_MESSAGE
                    : StatusCodes.getReason(status);
        send(exchange, status, code, message);
        return true;
      };

  /** The serialized {@code ErrorResponse{code, message}}. */
  static byte[] errorBody(ErrorCode code, String message) {
    return ErrorResponse.newBuilder().setErrorCode(code).setMessage(message).build().toByteArray();
  }

  /**
   * Sends {@code status} with an {@code ErrorResponse{code, message}} body and ends the exchange.
   */
  static void send(HttpServerExchange exchange, int status, ErrorCode code, String message) {
    sendBody(exchange, status, errorBody(code, message));
  }

  /**
   * Marks the connection for closing when the response is sent before the request body was read:
   * otherwise Undertow would read and discard a body of any size to reuse the connection.
   */
  static void closeIfBodyUnread(HttpServerExchange exchange) {
    if (!exchange.isRequestComplete()) {
      exchange.setPersistent(false);
    }
  }

  /**
   * Sends a "come back later" answer: {@code status} (429 or 503) with {@code Retry-After:
   * retryAfterSeconds} and an {@code ErrorResponse} of {@link
   * dev.vss.protocol.ErrorStatus#RETRY_LATER_CODE}, and ends the exchange.
   */
  static void sendRetryLater(
      HttpServerExchange exchange, int status, long retryAfterSeconds, String message) {
    exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(retryAfterSeconds));
    send(exchange, status, dev.vss.protocol.ErrorStatus.RETRY_LATER_CODE, message);
  }

  /** Sends {@code status} with a protobuf {@code body} and ends the exchange. */
  static void sendBody(HttpServerExchange exchange, int status, byte[] body) {
    if (exchange.isResponseStarted()) {
      // A response is already on its way (the client went away mid-write): nothing left to say.
      exchange.endExchange();
      return;
    }
    closeIfBodyUnread(exchange);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, PROTOBUF_CONTENT_TYPE);
    markProtocolVersion(exchange);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /**
   * A whole HTTP/1.1 error response as bytes, for the places where no exchange exists (Undertow's
   * own parse errors): status line, protocol version header, {@code Connection: close}, body.
   */
  static byte[] rawResponse(int status, String reason, ErrorCode code, String message) {
    byte[] body = errorBody(code, message);
    byte[] head =
        ("HTTP/1.1 "
                + status
                + " "
                + reason
                + "\r\n"
                + "Content-Type: "
                + PROTOBUF_CONTENT_TYPE
                + "\r\n"
                + ProtocolVersion.HEADER
                + ": "
                + ProtocolVersion.VALUE
                + "\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n"
                + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] response = new byte[head.length + body.length];
    System.arraycopy(head, 0, response, 0, head.length);
    System.arraycopy(body, 0, response, head.length, body.length);
    return response;
  }
}
