package dev.vss.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this server, for {@code --version}, the start-up line and {@code vss_build_info}.
 */
final class ServerVersion {
  private static final String VERSION = find();

  private ServerVersion() {}

  /** Such as {@code 0.1.0}; {@code unknown} when neither the jar nor the build recorded it. */
  static String get() {
    return VERSION;
  }

  private static String find() {
    // The jar's manifest (Implementation-Version, from the pom); then the resource the build
    // filters, which also exists when running from classes (tests, an IDE after a Maven build).
    String fromManifest = ServerVersion.class.getPackage().getImplementationVersion();
    if (fromManifest != null && !fromManifest.isBlank()) {
      return fromManifest;
    }
    try (InputStream in = ServerVersion.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version", "");
        if (!version.isBlank() && !version.startsWith("${")) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through: the version is informational
    }
    return "unknown";
  }
}
