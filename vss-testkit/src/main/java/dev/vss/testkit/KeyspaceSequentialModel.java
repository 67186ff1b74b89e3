package dev.vss.testkit;

import com.google.protobuf.Message;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The sequential specification of one keyspace for {@link LinearizabilityChecker}: the reference
 * model {@link KeyspaceModel}, answering getObject (including the reserved {@code global_version}
 * key), putObjects and deleteObject.
 *
 * <p>States compare by what those operations can observe: each key's version and value and the
 * global version. Creation sequences are left out, because none of these operations shows them
 * (listings are not part of the histories this model checks), and leaving them out lets the
 * checker's memo merge states that differ only there.
 */
public final class KeyspaceSequentialModel
    implements LinearizabilityChecker.Model<
        KeyspaceSequentialModel.State,
        KeyspaceSequentialModel.Call,
        KeyspaceSequentialModel.Outcome> {
  /**
   * One request to a keyspace: a {@link GetObjectRequest}, {@link PutObjectRequest} or {@link
   * DeleteObjectRequest}.
   *
   * @param request the request as it was sent
   */
  public record Call(Message request) {
    /** Validates that the request is one of the three kinds the model answers. */
    public Call {
      if (!(request instanceof GetObjectRequest)
          && !(request instanceof PutObjectRequest)
          && !(request instanceof DeleteObjectRequest)) {
        throw new IllegalArgumentException("not a get, put or delete: " + request);
      }
    }

    @Override
    public String toString() {
      if (request instanceof GetObjectRequest get) {
        return "get " + Describe.quote(get.getKey());
      }
      if (request instanceof DeleteObjectRequest delete) {
        return "deleteObject " + item(delete.getKeyValue());
      }
      PutObjectRequest put = (PutObjectRequest) request;
      StringBuilder text = new StringBuilder("put [");
      text.append(
          put.getTransactionItemsList().stream()
              .map(i -> Describe.entry(i.getKey(), i.getVersion(), i.getValue()))
              .collect(Collectors.joining(", ")));
      if (put.getDeleteItemsCount() > 0) {
        text.append(put.getTransactionItemsCount() > 0 ? ", " : "")
            .append(
                put.getDeleteItemsList().stream()
                    .map(i -> "delete " + item(i))
                    .collect(Collectors.joining(", ")));
      }
      text.append(']');
      if (put.hasGlobalVersion()) {
        text.append(" gv=").append(put.getGlobalVersion());
      }
      return text.toString();
    }

    private static String item(KeyValue item) {
      return Describe.quote(item.getKey()) + "@" + item.getVersion();
    }
  }

  /**
   * What a request answered.
   *
   * @param error the error code, or null on success
   * @param value for a successful getObject, the returned key, version and value; else null
   */
  public record Outcome(ErrorCode error, KeyValue value) {
    /** A success without a value (put, delete). */
    public static final Outcome OK = new Outcome(null, null);

    /** A successful getObject answering {@code value}. */
    public static Outcome of(KeyValue value) {
      return new Outcome(null, Objects.requireNonNull(value, "value"));
    }

    /** A failure with {@code error}. */
    public static Outcome failed(ErrorCode error) {
      return new Outcome(Objects.requireNonNull(error, "error"), null);
    }

    @Override
    public String toString() {
      if (error != null) {
        return error.name();
      }
      return value == null
          ? "ok"
          : Describe.entry(value.getKey(), value.getVersion(), value.getValue());
    }
  }

  /** A model state: the reference model, compared by what gets can observe. */
  public static final class State {
    private final KeyspaceModel model;
    private final Map<String, KeyValue> records;

    State(KeyspaceModel model) {
      this.model = model;
      Map<String, KeyValue> visible = new TreeMap<>();
      for (StoredRecord record : model.records().values()) {
        visible.put(
            record.key(),
            KeyValue.newBuilder()
                .setKey(record.key())
                .setVersion(record.version())
                .setValue(record.value())
                .build());
      }
      this.records = visible;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof State state
          && model.globalVersion() == state.model.globalVersion()
          && records.equals(state.records);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(model.globalVersion()) * 31 + records.hashCode();
    }

    @Override
    public String toString() {
      return "gv="
          + model.globalVersion()
          + " "
          + records.values().stream()
              .map(r -> Describe.entry(r.getKey(), r.getVersion(), r.getValue()))
              .collect(Collectors.joining(", ", "[", "]"));
    }
  }

  private final Limits limits;

  /** A model enforcing {@code limits}, which should be those of the endpoint under test. */
  public KeyspaceSequentialModel(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public State initialState() {
    return new State(KeyspaceModel.empty(limits));
  }

  @Override
  public Optional<State> step(State state, Call call, Outcome output) {
    KeyspaceModel.Step<?> step;
    Outcome expected;
    if (call.request() instanceof GetObjectRequest get) {
      KeyspaceModel.Step<GetObjectResponse> got = state.model.getObject(get);
      step = got;
      expected = got.succeeded() ? Outcome.of(got.response().getValue()) : failure(got.error());
    } else if (call.request() instanceof PutObjectRequest put) {
      step = state.model.putObjects(put);
      expected = step.succeeded() ? Outcome.OK : failure(step.error());
    } else {
      step = state.model.deleteObject((DeleteObjectRequest) call.request());
      expected = step.succeeded() ? Outcome.OK : failure(step.error());
    }
    if (!expected.equals(output)) {
      return Optional.empty();
    }
    return Optional.of(step.state() == state.model ? state : new State(step.state()));
  }

  private static Outcome failure(VssException error) {
    return Outcome.failed(error.errorCode());
  }
}
