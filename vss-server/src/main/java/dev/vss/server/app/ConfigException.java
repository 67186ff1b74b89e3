package dev.vss.server.app;

/**
 * A setting that stops start-up. The message is one line that names the setting where the user set
 * it (a flag, an environment variable or a key of the config file) and says what is wrong.
 */
final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message, null, false, false);
  }

  ConfigException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
