package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.SabotagedStorage.Flaw;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.PropertyDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What an integrator reads when the model property fails: the property is run by the jqwik engine
 * itself (generation, failure, shrinking, as in a build) against a store that gives an updated key
 * a new creation sequence, and the reported failure must show the shrunk chain as a script, one
 * line per request with the endpoint's answer, and say what differed from the reference model.
 */
class ShrunkFailureReportTest {
  @TempDir Path dir;

  @Test
  void aShrunkFailureReadsAsAScriptOfSteps() {
    Throwable failure = runProperty(NewSequenceOnUpdateModelRun.class);

    assertThat(failure).as("the property on a sabotaged store").isInstanceOf(AssertionError.class);
    String message = failure.getMessage();
    assertThat(message)
        .contains(
            "the steps as a script (request with concrete versions -> what the endpoint answered):",
            "    1. put ",
            " -> ok",
            "reads back differently",
            "  endpoint:  ",
            "  reference: ");
    List<String> script = message.lines().filter(line -> line.matches("    \\d+\\. .*")).toList();
    // Shrunk: the bug needs two creates (one put may hold both) and an update of the older key;
    // the chain the property first finds is usually 10 to 30 steps long.
    assertThat(script)
        .as("the script of the shrunk chain:\n%s", message)
        .hasSizeBetween(2, 4)
        .allSatisfy(line -> assertThat(line).contains(" -> "));
    assertThat(script.stream().filter(line -> line.contains(". put ")).count())
        .as("puts in the script:\n%s", message)
        .isGreaterThanOrEqualTo(2);
  }

  /** Runs one property class with the jqwik engine; answers its failure, or null if it passed. */
  private Throwable runProperty(Class<?> propertyClass) {
    List<Throwable> failures = new ArrayList<>();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(propertyClass))
                .configurationParameter("jqwik.database", dir.resolve("jqwik-database").toString())
                .configurationParameter("jqwik.reporting.onlyfailures", "true")
                // jqwik stops shrinking after 10 s and then reports the unshrunk chain; a busy
                // build machine can take longer than that, and this test is about the shrunk
                // report.
                .configurationParameter("jqwik.shrinking.bounded.seconds", "600")
                .build(),
            new TestExecutionListener() {
              @Override
              public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                Optional<Throwable> thrown = result.getThrowable();
                if (test.isTest() && thrown.isPresent()) {
                  failures.add(thrown.get());
                }
              }
            });
    assertThat(failures).as("failures of %s", propertyClass.getSimpleName()).hasSizeLessThan(2);
    return failures.isEmpty() ? null : failures.get(0);
  }

  /**
   * The model property over a store with {@link Flaw#NEW_SEQUENCE_ON_UPDATE}. Not named like a
   * test, so only {@link ShrunkFailureReportTest} runs it.
   */
  @PropertyDefaults(tries = 200)
  static class NewSequenceOnUpdateModelRun extends StorageModelPropertySuite {
    @Override
    protected Storage newStorage() {
      return new SabotagedStorage(new InMemoryStorage(), Flaw.NEW_SEQUENCE_ON_UPDATE);
    }
  }
}
