package com.example.vss;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Inside the VSS repository, this project must build against the kit version being built: its
 * {@code vss.version} must equal the repository's version, or the build would test a kit from a
 * Maven repository instead. Skipped when the project is copied out of the repository.
 */
class IntegratorVersionTest {
  @Test
  void buildsAgainstTheRepositorysVersion() throws Exception {
    Path repositoryPom = Path.of(System.getProperty("vss.repository.pom", "missing"));
    Assumptions.assumeTrue(Files.isRegularFile(repositoryPom)
            && Files.readString(repositoryPom).contains("<artifactId>vss-parent</artifactId>"),
        "not inside the VSS repository");
    Matcher version = Pattern.compile(
            "<artifactId>vss-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(repositoryPom));
    assertThat(version.find()).as("the repository's version in %s", repositoryPom).isTrue();

    assertThat(System.getProperty("vss.version")).isEqualTo(version.group(1));
  }
}
