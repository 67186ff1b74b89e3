package dev.vss.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.GetObjectRequest;
import org.junit.jupiter.api.Test;

class VersionsAndMethodsTest {
  @Test
  void putVersionsStartAtOneAndSaturate() {
    assertThat(Versions.afterPut(Versions.UNCONDITIONAL)).isEqualTo(Versions.FIRST_VERSION);
    assertThat(Versions.afterPut(0)).isEqualTo(1);
    assertThat(Versions.afterPut(7)).isEqualTo(8);
    assertThat(Versions.afterPut(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(Versions.next(Long.MAX_VALUE - 1)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theFourMethodsHaveTheirSpecNamesAndPaths() throws Exception {
    assertThat(VssMethod.ALL)
        .extracting(VssMethod::path)
        .containsExactly("/getObject", "/putObjects", "/deleteObject", "/listKeyVersions");
    assertThat(VssMethod.named("putObjects")).containsSame(VssMethod.PUT_OBJECTS);
    assertThat(VssMethod.named("PutObjects")).isEmpty();
    assertThat(VssMethod.GET_OBJECT.requestType()).isEqualTo("GetObjectRequest");
    GetObjectRequest request = GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build();
    assertThat(VssMethod.GET_OBJECT.requestParser().parseFrom(request.toByteArray()))
        .isEqualTo(request);
  }
}
