package dev.vss.server;

/**
 * Internal values of this library that the vss-server application's tests (through the test-jar)
 * measure the packaged server against, read from the classes rather than copied.
 */
public final class ServerInternals {
  /** What a request body buffer starts at before its bytes arrive ({@code BodyReader}). */
  public static final int BODY_READER_INITIAL_CAPACITY = BodyReader.INITIAL_CAPACITY;

  private ServerInternals() {}
}
