package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Bugs in vss-core found while building the kit. The testkit does not change vss-core; each test
 * is disabled with the reason until the core is fixed, then it should be enabled as is.
 */
class CoreFindingsTest {
  /**
   * {@code Limits} accepts {@code maxPageSize == Integer.MAX_VALUE}, but {@code
   * VssOperations.listKeyVersions} asks the storage for {@code pageSize + 1} entries, which
   * overflows to {@code Integer.MIN_VALUE}: InMemoryStorage throws and the client gets INTERNAL (an
   * SQL adapter would run {@code LIMIT -2147483648}).
   */
  @Test
  @Disabled("vss-core bug: VssOperations.listKeyVersions overflows pageSize + 1 when the page size"
      + " is Integer.MAX_VALUE (allowed by Limits.withPageSizes); answers INTERNAL instead of a page")
  void pageSizeOfIntegerMaxValueListsInsteadOfFailing() {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssService service =
          new VssService(storage, Limits.DEFAULTS.withPageSizes(100, Integer.MAX_VALUE));
      service.putObjects("user", PutObjectRequest.newBuilder()
          .addTransactionItems(KeyValue.newBuilder().setKey("k").setVersion(0)).build());

      ListKeyVersionsResponse page = service.listKeyVersions("user",
          ListKeyVersionsRequest.newBuilder().setPageSize(Integer.MAX_VALUE).build());

      assertThat(page.getKeyVersionsList()).extracting(KeyValue::getKey).containsExactly("k");
      assertThat(page.getNextPageToken()).isEmpty();
    }
  }
}
