package dev.vss.client.auth;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads the {@code exp} claim of a JWT without a JSON library: the client only needs to know when
 * to fetch a new token, never to trust the token (the server verifies it).
 *
 * <p>The payload is scanned as JSON just far enough to find the top-level {@code exp} member:
 * strings (with their escapes), nested objects and arrays are skipped properly, so an {@code "exp"}
 * inside a string or a nested object is never mistaken for the claim. A non-integer NumericDate is
 * truncated to whole seconds.
 */
final class JwtExpiry {
  private final String json;
  private int pos;

  private JwtExpiry(String json) {
    this.json = json;
  }

  /**
   * The expiry of a compact-serialized JWT ({@code header.payload.signature}).
   *
   * @throws IllegalArgumentException with a clear message if the token is not a JWT or has no
   *     numeric top-level {@code exp} claim
   */
  static Instant of(String jwt) {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "not a compact JWT: expected 3 dot-separated parts, found " + parts.length);
    }
    byte[] payload;
    try {
      payload = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("JWT payload is not base64url: " + e.getMessage(), e);
    }
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(payload))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("JWT payload is not UTF-8", e);
    }
    return Instant.ofEpochSecond(new JwtExpiry(json).topLevelExp());
  }

  /** Scans the top-level object and returns the integer part of its {@code exp} member. */
  private long topLevelExp() {
    skipWhitespace();
    expect('{');
    skipWhitespace();
    Long exp = null;
    if (peek() == '}') {
      pos++;
    } else {
      while (true) {
        skipWhitespace();
        String name = readString();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (name.equals("exp")) {
          if (exp != null) {
            throw new IllegalArgumentException("JWT payload has more than one exp claim");
          }
          exp = readNumericDate();
        } else {
          skipValue();
        }
        skipWhitespace();
        char next = next();
        if (next == '}') {
          break;
        }
        if (next != ',') {
          throw syntax("expected ',' or '}'");
        }
      }
    }
    skipWhitespace();
    if (pos != json.length()) {
      throw syntax("trailing characters after the payload object");
    }
    if (exp == null) {
      throw new IllegalArgumentException("JWT payload has no exp claim");
    }
    return exp;
  }

  private long readNumericDate() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    while (pos < json.length() && "0123456789.eE+-".indexOf(json.charAt(pos)) >= 0) {
      pos++;
    }
    String number = json.substring(start, pos);
    if (number.isEmpty() || number.equals("-")) {
      throw new IllegalArgumentException("JWT exp claim is not a number");
    }
    if (!number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
      throw new IllegalArgumentException("JWT exp claim is not a number: " + number);
    }
    if (number.matches("-?[0-9]{1,15}")) {
      return Long.parseLong(number); // exact for every realistic date
    }
    double value = Double.parseDouble(number);
    // Beyond 10^15 seconds (31 million years) is no date: refuse rather than overflow Instant.
    if (!Double.isFinite(value) || Math.abs(value) >= 1e15) {
      throw new IllegalArgumentException("JWT exp claim is out of range: " + number);
    }
    return (long) value;
  }

  /** Skips one JSON value of any kind. */
  private void skipValue() {
    char c = peek();
    if (c == '"') {
      readString();
    } else if (c == '{' || c == '[') {
      skipContainer();
    } else {
      // A number or a literal (true, false, null): everything up to the next delimiter.
      int start = pos;
      while (pos < json.length() && ",}] \t\r\n".indexOf(json.charAt(pos)) < 0) {
        pos++;
      }
      if (pos == start) {
        throw syntax("expected a value");
      }
    }
  }

  /** Skips a nested object or array, minding strings, whose brackets do not count. */
  private void skipContainer() {
    int depth = 0;
    do {
      char c = peek();
      if (c == '"') {
        readString();
        continue;
      }
      pos++;
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    } while (depth > 0);
  }

  /** Reads a JSON string at the current position and returns its decoded content. */
  private String readString() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escape = next();
      switch (escape) {
        case '"', '\\', '/' -> out.append(escape);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > json.length()) {
            throw syntax("truncated \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(json.substring(pos, pos + 4), 16));
          } catch (NumberFormatException e) {
            throw syntax("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw syntax("bad escape \\" + escape);
      }
    }
  }

  private void skipWhitespace() {
    while (pos < json.length() && " \t\r\n".indexOf(json.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private void expect(char expected) {
    if (next() != expected) {
      pos--;
      throw syntax("expected '" + expected + "'");
    }
  }

  private char peek() {
    if (pos >= json.length()) {
      throw syntax("unexpected end");
    }
    return json.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private IllegalArgumentException syntax(String problem) {
    return new IllegalArgumentException(
        "JWT payload is not a JSON object: " + problem + " at offset " + pos);
  }
}
