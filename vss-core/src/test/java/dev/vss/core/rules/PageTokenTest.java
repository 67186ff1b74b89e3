package dev.vss.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.VssException;
import dev.vss.proto.ErrorCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokenTest {
  @Property
  void roundTrips(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long sequence) {
    String token = PageToken.encode(sequence);
    assertThat(token).isNotEmpty();
    assertThat(PageToken.decode(token)).isEqualTo(sequence);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage!", "AQ", "AgAAAAAAAAAB", "AQAAAAAAAAAA", "AQAAAAAAAAABAA"})
  void rejectsTokensItDidNotIssue(String token) {
    assertThatThrownBy(() -> PageToken.decode(token))
        .isInstanceOfSatisfying(VssException.class, e -> {
          assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
          assertThat(e.getMessage()).contains("page_token");
        });
  }

  @Test
  void refusesToEncodeNonPositiveSequences() {
    assertThatThrownBy(() -> PageToken.encode(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
