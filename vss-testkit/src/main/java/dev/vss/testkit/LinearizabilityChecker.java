package dev.vss.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a recorded concurrent history is linearizable with respect to a sequential model:
 * whether every operation can be given one instant between its invocation and its response such
 * that, taken in the order of those instants, the model produces exactly the recorded outputs.
 *
 * <p>The algorithm is Wing and Gong's search with Lowe's memoization, as used by Knossos and
 * Porcupine: operations are linearized one at a time among those whose invocation precedes the
 * earliest pending response; a dead end backtracks; and a pair (set of linearized operations, model
 * state) that was already explored is never explored again. The search is bounded by a step budget
 * and answers {@link Verdict#INCONCLUSIVE} when the budget runs out, so a check never hangs.
 *
 * <p>Model states must implement {@code equals} and {@code hashCode} over everything a later
 * operation can observe; the memo relies on it.
 */
public final class LinearizabilityChecker {
  /**
   * A sequential specification.
   *
   * @param <S> the model state: immutable, with value equality
   * @param <I> an operation's input
   * @param <O> an operation's output
   */
  public interface Model<S, I, O> {
    /** The state before any operation. */
    S initialState();

    /**
     * The state after {@code input} is applied to {@code state}, if the model answers exactly
     * {@code output}; empty if it answers anything else.
     */
    Optional<S> step(S state, I input, O output);
  }

  /**
   * One completed operation of a history.
   *
   * @param thread the thread (client) that ran it
   * @param input what was asked
   * @param output what was answered
   * @param invokedNanos {@link System#nanoTime()} just before the call
   * @param returnedNanos {@link System#nanoTime()} just after the answer
   * @param <I> the input type
   * @param <O> the output type
   */
  public record Operation<I, O>(
      int thread, I input, O output, long invokedNanos, long returnedNanos) {
    /** Validates the components. */
    public Operation {
      Objects.requireNonNull(input, "input");
      if (returnedNanos < invokedNanos) {
        throw new IllegalArgumentException("an operation cannot return before it was invoked");
      }
    }

    @Override
    public String toString() {
      return "t" + thread + " " + input + " -> " + output;
    }
  }

  /** The answer of a check. */
  public enum Verdict {
    /** Some order of the operations explains every output. */
    LINEARIZABLE,
    /** No order of the operations explains every output: the history proves a bug. */
    NOT_LINEARIZABLE,
    /** The step budget ran out before the search ended; nothing is proven either way. */
    INCONCLUSIVE
  }

  /**
   * The result of a check.
   *
   * @param verdict the answer
   * @param steps how many search steps were taken
   * @param explanation for {@link Verdict#NOT_LINEARIZABLE}: the longest order found that explains
   *     a prefix of the history, the model state after it and the operations none of which could
   *     come next; otherwise a one-line summary
   */
  public record Result(Verdict verdict, long steps, String explanation) {
    /** Whether the history was proven linearizable. */
    public boolean isLinearizable() {
      return verdict == Verdict.LINEARIZABLE;
    }
  }

  /** How many linearized operations the explanation of a failure shows before the dead end. */
  private static final int EXPLAINED_PREFIX = 12;

  private LinearizabilityChecker() {}

  /**
   * Checks {@code history} against {@code model}, taking at most {@code maxSteps} search steps.
   *
   * @param history completed operations, in any order
   */
  public static <S, I, O> Result check(
      Model<S, I, O> model, List<Operation<I, O>> history, long maxSteps) {
    Objects.requireNonNull(model, "model");
    List<Operation<I, O>> ops = List.copyOf(history);
    Entry head = events(ops);
    BitSet linearized = new BitSet(ops.size());
    Set<Memo<S>> explored = new HashSet<>();
    Deque<Frame<S>> stack = new ArrayDeque<>();
    S state = model.initialState();
    Entry entry = head.next;
    long steps = 0;
    int deepest = -1;
    List<Integer> deepestOrder = List.of();
    S deepestState = state;
    List<Integer> deepestFrontier = List.of();
    while (head.next != null) {
      if (++steps > maxSteps) {
        return new Result(
            Verdict.INCONCLUSIVE,
            steps,
            "no verdict within " + maxSteps + " steps over " + ops.size() + " operations");
      }
      if (entry.call) {
        Operation<I, O> op = ops.get(entry.op);
        Optional<S> next = model.step(state, op.input(), op.output());
        if (next.isPresent()) {
          linearized.set(entry.op);
          if (explored.add(new Memo<>((BitSet) linearized.clone(), next.get()))) {
            stack.push(new Frame<>(entry, state));
            state = next.get();
            lift(entry);
            entry = head.next;
            continue;
          }
          linearized.clear(entry.op);
        }
        entry = entry.next;
      } else {
        // A pending response: every operation that could still be linearized before it was tried.
        if (stack.size() > deepest) {
          deepest = stack.size();
          List<Integer> order = new ArrayList<>(stack.size());
          stack.descendingIterator().forEachRemaining(f -> order.add(f.call.op));
          deepestOrder = order;
          deepestState = state;
          deepestFrontier = frontier(head);
        }
        if (stack.isEmpty()) {
          return new Result(
              Verdict.NOT_LINEARIZABLE,
              steps,
              explain(ops, deepestOrder, deepestState, deepestFrontier));
        }
        Frame<S> frame = stack.pop();
        state = frame.stateBefore;
        linearized.clear(frame.call.op);
        unlift(frame.call);
        entry = frame.call.next;
      }
    }
    return new Result(
        Verdict.LINEARIZABLE, steps, ops.size() + " operations linearized in " + steps + " steps");
  }

  /** The call and return events of {@code ops} as a doubly linked list behind a sentinel. */
  private static Entry events(List<? extends Operation<?, ?>> ops) {
    List<Entry> events = new ArrayList<>(2 * ops.size());
    for (int i = 0; i < ops.size(); i++) {
      Entry call = new Entry(i, true, ops.get(i).invokedNanos());
      Entry ret = new Entry(i, false, ops.get(i).returnedNanos());
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // At equal times a call goes first: the operations then count as overlapping, which allows
    // more orders and so never reports a bug that timing resolution merely hid.
    events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
    Entry head = new Entry(-1, false, Long.MIN_VALUE);
    Entry last = head;
    for (Entry event : events) {
      last.next = event;
      event.prev = last;
      last = event;
    }
    return head;
  }

  /** The operations whose calls precede the earliest pending return. */
  private static List<Integer> frontier(Entry head) {
    List<Integer> calls = new ArrayList<>();
    for (Entry e = head.next; e != null && e.call; e = e.next) {
      calls.add(e.op);
    }
    return calls;
  }

  /** Takes a call and its return out of the list. */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    call.next.prev = call.prev;
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  /** Puts back a call and its return taken out by {@link #lift}, in reverse order. */
  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    call.next.prev = call;
  }

  private static <I, O> String explain(
      List<Operation<I, O>> ops, List<Integer> order, Object state, List<Integer> frontier) {
    StringBuilder text = new StringBuilder();
    text.append("not linearizable: ")
        .append(ops.size())
        .append(" operations; the longest order " + "that explains the history covers ")
        .append(order.size())
        .append(" of them");
    int from = Math.max(0, order.size() - EXPLAINED_PREFIX);
    text.append("\n  last operations of that order")
        .append(from > 0 ? " (earlier ones omitted)" : "")
        .append(':');
    for (int i = from; i < order.size(); i++) {
      text.append("\n    ").append(i + 1).append(". ").append(ops.get(order.get(i)));
    }
    text.append("\n  model state after it: ").append(state);
    text.append(
        "\n  none of these could come next (all invoked before the earliest pending "
            + "response):");
    for (int op : frontier) {
      text.append("\n    ").append(ops.get(op));
    }
    return text.toString();
  }

  /** A call or return event. */
  private static final class Entry {
    final int op;
    final boolean call;
    final long time;
    Entry match;
    Entry prev;
    Entry next;

    Entry(int op, boolean call, long time) {
      this.op = op;
      this.call = call;
      this.time = time;
    }
  }

  private record Frame<S>(Entry call, S stateBefore) {}

  private record Memo<S>(BitSet linearized, S state) {}
}
