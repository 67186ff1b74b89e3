package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vss.core.Limits;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.testkit.KeyspaceSequentialModel.Call;
import dev.vss.testkit.KeyspaceSequentialModel.Outcome;
import dev.vss.testkit.LinearizabilityChecker.Model;
import dev.vss.testkit.LinearizabilityChecker.Operation;
import dev.vss.testkit.LinearizabilityChecker.Result;
import dev.vss.testkit.LinearizabilityChecker.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The linearizability checker on hand-made histories whose verdict is known, over the keyspace
 * model and over a plain register. Times are small integers: an operation spans {@code [from, to]},
 * and two operations overlap when their spans do.
 */
class LinearizabilityCheckerTest {
  private static final String S = "s";
  private static final KeyspaceSequentialModel KEYSPACE =
      new KeyspaceSequentialModel(Limits.DEFAULTS);

  @Test
  void emptyHistoryIsLinearizable() {
    assertThat(check(List.of()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void sequentialPutThenGetOfItsValueIsLinearizable() {
    assertThat(
            check(
                    List.of(
                        op(0, create("a", "x"), Outcome.OK, 0, 1),
                        op(1, Requests.get(S, "a"), got("a", 1, "x"), 2, 3)))
                .verdict())
        .isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aGetThatMissesAnAcknowledgedPutIsNotLinearizable() {
    Result result =
        check(
            List.of(
                op(0, create("a", "x"), Outcome.OK, 0, 1),
                op(
                    1,
                    Requests.get(S, "a"),
                    Outcome.failed(ErrorCode.NO_SUCH_KEY_EXCEPTION),
                    2,
                    3)));

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.explanation())
        .contains("not linearizable", "get \"a\" -> NO_SUCH_KEY", "\"a\"@1=\"x\"");
  }

  @Test
  void aGetOverlappingThePutMaySeeEitherSide() {
    for (Outcome seen :
        List.of(Outcome.failed(ErrorCode.NO_SUCH_KEY_EXCEPTION), got("a", 1, "x"))) {
      assertThat(
              check(
                      List.of(
                          op(0, create("a", "x"), Outcome.OK, 0, 3),
                          op(1, Requests.get(S, "a"), seen, 1, 2)))
                  .verdict())
          .as("get answering %s", seen)
          .isEqualTo(Verdict.LINEARIZABLE);
    }
  }

  @Test
  void twoSuccessfulCreatesOfOneKeyAreNotLinearizable() {
    assertThat(
            check(
                    List.of(
                        op(0, create("a", "x"), Outcome.OK, 0, 2),
                        op(1, create("a", "y"), Outcome.OK, 1, 3)))
                .verdict())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void racingCreatesWithOneConflictAreLinearizableInTheOrderThatExplainsThem() {
    // The checker first tries the earlier call first; only the other order explains the outcome.
    assertThat(
            check(
                    List.of(
                        op(0, create("a", "x"), Outcome.failed(ErrorCode.CONFLICT_EXCEPTION), 0, 2),
                        op(1, create("a", "y"), Outcome.OK, 1, 3),
                        op(0, Requests.get(S, "a"), got("a", 1, "y"), 4, 5)))
                .verdict())
        .isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aStaleReadAfterANewerAcknowledgedPutIsNotLinearizable() {
    assertThat(
            check(
                    List.of(
                        op(0, create("a", "x"), Outcome.OK, 0, 1),
                        op(0, put("a", 1, "y"), Outcome.OK, 2, 3),
                        op(1, Requests.get(S, "a"), got("a", 1, "x"), 4, 5)))
                .verdict())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aConditionalDeleteThatWipesARacingUpdateIsNotLinearizable() {
    List<Operation<Call, Outcome>> raced =
        List.of(
            op(0, create("a", "x"), Outcome.OK, 0, 1),
            op(1, Requests.delete(S, item("a", 1)), Outcome.OK, 2, 5),
            op(2, put("a", 1, "y"), Outcome.OK, 3, 4));

    // After the race, either the delete ran first (and the update conflicted) or the update ran
    // first (and the delete, at a stale version, deleted nothing): the key cannot be gone.
    List<Operation<Call, Outcome>> gone = new ArrayList<>(raced);
    gone.add(op(0, Requests.get(S, "a"), Outcome.failed(ErrorCode.NO_SUCH_KEY_EXCEPTION), 6, 7));
    List<Operation<Call, Outcome>> kept = new ArrayList<>(raced);
    kept.add(op(0, Requests.get(S, "a"), got("a", 2, "y"), 6, 7));

    assertThat(check(gone).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(check(kept).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void theGlobalVersionCountsEverySuccessfulPutThatCarriesIt() {
    List<Operation<Call, Outcome>> twoWinners =
        List.of(
            op(
                0,
                Requests.put(S, OptionalLong.of(0), List.of(item("a", -1, "x")), List.of()),
                Outcome.OK,
                0,
                2),
            op(
                1,
                Requests.put(S, OptionalLong.of(0), List.of(item("b", -1, "y")), List.of()),
                Outcome.OK,
                1,
                3));
    assertThat(check(twoWinners).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);

    List<Operation<Call, Outcome>> inTurn =
        List.of(
            op(
                0,
                Requests.put(S, OptionalLong.of(0), List.of(item("a", -1, "x")), List.of()),
                Outcome.OK,
                0,
                2),
            op(
                1,
                Requests.put(S, OptionalLong.of(1), List.of(item("b", -1, "y")), List.of()),
                Outcome.OK,
                1,
                3),
            op(2, Requests.get(S, "global_version"), got("global_version", 2, ""), 4, 5));
    assertThat(check(inTurn).verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aBudgetTooSmallAnswersInconclusive() {
    Result result =
        LinearizabilityChecker.check(
            KEYSPACE,
            List.of(
                op(0, create("a", "x"), Outcome.OK, 0, 3),
                op(1, Requests.get(S, "a"), got("a", 1, "x"), 1, 2)),
            1);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  /**
   * A register history of 4 clients x 200 operations with heavy overlap, generated by running a
   * real register with random delays around each step: linearizable by construction, and the memo
   * keeps the search small. Corrupting one read makes it non-linearizable.
   */
  @Test
  void largeOverlappingRegisterHistoriesAreDecided() {
    Random random = new Random(7);
    List<Operation<int[], Integer>> history = new ArrayList<>();
    int register = 0;
    long[] busyUntil = new long[4];
    long now = 0;
    for (int i = 0; i < 800; i++) {
      int client = random.nextInt(4);
      long invoked = Math.max(now - random.nextInt(20), busyUntil[client] + 1);
      now = Math.max(now, invoked) + 1;
      boolean write = random.nextBoolean();
      int[] input = write ? new int[] {random.nextInt(3)} : new int[0];
      int output;
      if (write) {
        register = input[0];
        output = register;
      } else {
        output = register;
      }
      long returned = now + random.nextInt(20);
      busyUntil[client] = returned;
      history.add(new Operation<>(client, input, output, invoked, returned));
    }
    Result result = LinearizabilityChecker.check(new Register(), history, 10_000_000);
    assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.LINEARIZABLE);

    // A read that answers a value never written cannot be explained.
    List<Operation<int[], Integer>> corrupted = new ArrayList<>(history);
    int read = 0;
    while (corrupted.get(read).input().length != 0) {
      read++;
    }
    Operation<int[], Integer> original = corrupted.get(read);
    corrupted.set(
        read,
        new Operation<>(
            original.thread(),
            original.input(),
            9,
            original.invokedNanos(),
            original.returnedNanos()));
    assertThat(LinearizabilityChecker.check(new Register(), corrupted, 10_000_000).verdict())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  /** A register of one int, 0 at first: input {v} writes v, an empty input reads. */
  private static final class Register implements Model<Integer, int[], Integer> {
    @Override
    public Integer initialState() {
      return 0;
    }

    @Override
    public Optional<Integer> step(Integer state, int[] input, Integer output) {
      if (input.length == 1) {
        return output == input[0] ? Optional.of(input[0]) : Optional.empty();
      }
      return output.equals(state) ? Optional.of(state) : Optional.empty();
    }
  }

  private static Result check(List<Operation<Call, Outcome>> history) {
    return LinearizabilityChecker.check(KEYSPACE, history, 1_000_000);
  }

  private static Operation<Call, Outcome> op(
      int thread, Message request, Outcome outcome, long from, long to) {
    return new Operation<>(thread, new Call(request), outcome, from, to);
  }

  private static Message create(String key, String value) {
    return put(key, 0, value);
  }

  private static Message put(String key, long version, String value) {
    return Requests.put(S, OptionalLong.empty(), List.of(item(key, version, value)), List.of());
  }

  private static Outcome got(String key, long version, String value) {
    KeyValue kv = item(key, version, value);
    return Outcome.of(kv);
  }
}
