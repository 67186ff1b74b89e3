package dev.vss.server;

/**
 * Sets up slf4j-simple for the command-line server. It must run before the first logger is made:
 * slf4j-simple reads its settings once. vss-core logs through {@code System.Logger}, which
 * slf4j-jdk-platform-logging routes here, and Undertow through jboss-logging, told to use slf4j.
 */
final class Logging {
  static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  private Logging() {}

  /**
   * Applies {@code level}. A level set explicitly (flag, environment, file) wins over a {@code -D}
   * system property; the default level does not.
   */
  static void configure(String level, boolean explicit) {
    if (explicit || System.getProperty(LEVEL_PROPERTY) == null) {
      System.setProperty(LEVEL_PROPERTY, level);
    }
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.jboss.logging.provider", "slf4j");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
