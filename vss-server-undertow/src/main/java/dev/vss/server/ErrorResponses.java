package dev.vss.server;

import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;

/** Writes SPEC section 1 responses: protobuf bodies and the ErrorCode-to-status table. */
final class ErrorResponses {
  /** The content type of every protobuf body, as the reference server and clients use. */
  static final String PROTOBUF_CONTENT_TYPE = "application/octet-stream";

  private ErrorResponses() {}

  /** The HTTP status of {@code code} (SPEC section 1 table). */
  static int statusOf(ErrorCode code) {
    switch (code) {
      case CONFLICT_EXCEPTION:
        return StatusCodes.CONFLICT;
      case INVALID_REQUEST_EXCEPTION:
        return StatusCodes.BAD_REQUEST;
      case NO_SUCH_KEY_EXCEPTION:
        return StatusCodes.NOT_FOUND;
      case AUTH_EXCEPTION:
        return StatusCodes.UNAUTHORIZED;
      case INTERNAL_SERVER_EXCEPTION:
      default:
        // UNKNOWN and unrecognized codes never leave the server as such: they are internal faults.
        return StatusCodes.INTERNAL_SERVER_ERROR;
    }
  }

  /** Sends {@code status} with an {@code ErrorResponse{code, message}} body and ends the exchange. */
  static void send(HttpServerExchange exchange, int status, ErrorCode code, String message) {
    ErrorResponse body = ErrorResponse.newBuilder().setErrorCode(code).setMessage(message).build();
    sendBody(exchange, status, body.toByteArray());
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
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
