package com.example.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;

/**
 * The JUnit that runs this project's tests is the one its POM asks for, so the kit's suites above
 * provably ran under it (and not under a JUnit the kit brought along).
 */
class JUnitVersionTest {
  @Test
  void theProjectsJUnitRunsTheSuites() {
    assertThat(Test.class.getPackage().getImplementationVersion())
        .as("junit-jupiter-api on the test class path")
        .isEqualTo(System.getProperty("expected.jupiter.version"));
    assertThat(Launcher.class.getPackage().getImplementationVersion())
        .as("junit-platform-launcher on the test class path")
        .isEqualTo(System.getProperty("expected.platform.version"));
  }
}
