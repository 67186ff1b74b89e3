package dev.vss.testkit.runner;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the runner's report as checks finish: {@code PASS}, {@code FAIL} with the failure and the
 * last requests and responses, {@code SKIP} with the reason; then a summary.
 */
final class ReportListener implements TestExecutionListener {
  private final PrintStream out;
  private final List<String> failures = new ArrayList<>();
  private final List<String> skips = new ArrayList<>();
  private TestPlan plan;
  private int passed;

  ReportListener(PrintStream out) {
    this.out = out;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public void executionStarted(TestIdentifier id) {
    if (id.isTest()) {
      ExchangeLog.clear();
    }
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    skip(id, reason);
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    switch (result.getStatus()) {
      case SUCCESSFUL -> {
        if (id.isTest()) {
          passed++;
          out.println("PASS  " + name(id));
        }
      }
      case ABORTED -> skip(id, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
      case FAILED -> {
        StringBuilder text = new StringBuilder("FAIL  " + name(id));
        Optional<Throwable> thrown = result.getThrowable();
        thrown.ifPresent(
            t ->
                text.append("\n    ")
                    .append(indent(t.getClass().getSimpleName() + ": " + t.getMessage())));
        List<String> exchanges = ExchangeLog.recent();
        if (!exchanges.isEmpty()) {
          text.append("\n    last requests and responses:");
          exchanges.forEach(exchange -> text.append("\n      ").append(exchange));
        }
        failures.add(name(id));
        out.println(text);
      }
    }
  }

  /** Reports a whole group the runner does not start, with the reason. */
  void skipGroup(String name, String reason) {
    skips.add(name);
    out.println("SKIP  " + name + "\n    " + reason);
  }

  private void skip(TestIdentifier id, String reason) {
    skips.add(name(id));
    out.println("SKIP  " + name(id) + "\n    " + reason);
  }

  int passed() {
    return passed;
  }

  int failed() {
    return failures.size();
  }

  void printSummary() {
    out.println();
    out.println(passed + " passed, " + failures.size() + " failed, " + skips.size() + " skipped");
    failures.forEach(name -> out.println("  failed: " + name));
  }

  private String name(TestIdentifier id) {
    StringBuilder name = new StringBuilder(id.getDisplayName());
    Optional<TestIdentifier> parent = plan == null ? Optional.empty() : plan.getParent(id);
    while (parent.isPresent() && parent.get().getParentId().isPresent()) {
      name.insert(0, parent.get().getDisplayName() + " > ");
      parent = plan.getParent(parent.get());
    }
    return name.toString();
  }

  private static String indent(String text) {
    return text.replace("\n", "\n    ");
  }
}
