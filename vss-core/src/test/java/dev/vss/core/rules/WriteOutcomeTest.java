package dev.vss.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.VssException;
import org.junit.jupiter.api.Test;

class WriteOutcomeTest {
  @Test
  void appliedSucceedsAndThrowsNothing() {
    assertThat(WriteOutcome.APPLIED.isApplied()).isTrue();
    WriteOutcome.APPLIED.throwIfRejected();
  }

  @Test
  void rejectedThrowsItsReasonItself() {
    VssException conflict = VssException.conflict("version mismatch");
    WriteOutcome outcome = WriteOutcome.rejected(conflict);
    assertThat(outcome.isApplied()).isFalse();
    assertThatThrownBy(outcome::throwIfRejected).isSameAs(conflict);
  }

  @Test
  void aRejectionNeedsAReason() {
    assertThatThrownBy(() -> WriteOutcome.rejected(null)).isInstanceOf(NullPointerException.class);
  }
}
