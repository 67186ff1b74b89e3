package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyspaceModelTest {
  private static PutObjectRequest put(String key, long version) {
    return PutObjectRequest.newBuilder()
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8(key + version)))
        .build();
  }

  private static List<String> keysOf(ListKeyVersionsResponse page) {
    return page.getKeyVersionsList().stream().map(KeyValue::getKey).toList();
  }

  @Test
  void stepsAreImmutableAndFailuresKeepTheState() {
    KeyspaceModel empty = KeyspaceModel.empty(Limits.DEFAULTS);
    KeyspaceModel.Step<PutObjectResponse> created = empty.putObjects(put("a", 0));
    assertThat(created.succeeded()).isTrue();
    assertThat(empty.records()).isEmpty();
    assertThat(created.state().records()).containsOnlyKeys("a");

    KeyspaceModel.Step<PutObjectResponse> conflict = created.state().putObjects(put("a", 0));
    assertThat(conflict.error().errorCode()).isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
    assertThat(conflict.state()).isSameAs(created.state());
  }

  @Test
  void listsNewestCreationFirstAcrossPagesAndRecreateMovesToTheFront() {
    KeyspaceModel model = KeyspaceModel.empty(Limits.DEFAULTS);
    for (String key : List.of("a", "b", "c", "d", "e")) {
      model = model.putObjects(put(key, 0)).state();
    }
    model = model.putObjects(put("b", 1)).state(); // update keeps b's position
    model =
        model
            .deleteObject(
                DeleteObjectRequest.newBuilder()
                    .setKeyValue(KeyValue.newBuilder().setKey("c").setVersion(-1))
                    .build())
            .state();
    model = model.putObjects(put("c", 0)).state(); // re-create moves c to the front

    List<String> seen = new ArrayList<>();
    ListKeyVersionsRequest.Builder request = ListKeyVersionsRequest.newBuilder().setPageSize(2);
    ListKeyVersionsResponse page = model.listKeyVersions(request.build()).response();
    assertThat(page.hasGlobalVersion()).isTrue();
    seen.addAll(keysOf(page));
    while (!page.getNextPageToken().isEmpty()) {
      page =
          model.listKeyVersions(request.setPageToken(page.getNextPageToken()).build()).response();
      assertThat(page.hasGlobalVersion()).isFalse();
      seen.addAll(keysOf(page));
    }
    assertThat(seen).containsExactly("c", "e", "d", "b", "a");
  }

  @Test
  void globalVersionKeyReadsTheGlobalVersion() {
    KeyspaceModel model = KeyspaceModel.empty(Limits.DEFAULTS);
    assertThat(
            model
                .getObject(GetObjectRequest.newBuilder().setKey("global_version").build())
                .response()
                .getValue()
                .getVersion())
        .isZero();
    model = model.putObjects(put("a", 0).toBuilder().setGlobalVersion(0).build()).state();
    KeyValue global =
        model
            .getObject(GetObjectRequest.newBuilder().setKey("global_version").build())
            .response()
            .getValue();
    assertThat(global.getVersion()).isEqualTo(1);
    assertThat(global.getValue()).isEmpty();
  }
}
