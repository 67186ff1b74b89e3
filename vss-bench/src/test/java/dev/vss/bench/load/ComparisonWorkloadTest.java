package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComparisonWorkloadTest {
  private final ComparisonWorkload.Shape shape = new ComparisonWorkload.Shape(7, 5, 300);

  @Test
  void putsOverManyKeyspacesOverwritePopulatedKeysUnconditionallyWithOneKibValues() {
    ComparisonWorkload.Generator generator = ComparisonWorkload.PUT_MANY.generator(shape, 3);
    Set<String> keyspaces = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      Call call = generator.next();
      assertThat(call.method()).isEqualTo(Method.PUT_OBJECTS);
      PutObjectRequest put = (PutObjectRequest) call.request();
      assertThat(put.getTransactionItemsCount()).isEqualTo(1);
      assertThat(put.getDeleteItemsCount()).isZero();
      assertThat(put.hasGlobalVersion()).isFalse();
      KeyValue item = put.getTransactionItems(0);
      assertThat(item.getVersion()).isEqualTo(-1);
      assertThat(item.getValue().size()).isEqualTo(1024);
      keyspaces.add(put.getStoreId());
      keys.add(item.getKey());
    }
    assertThat(keyspaces)
        .containsExactlyInAnyOrder("ks-0", "ks-1", "ks-2", "ks-3", "ks-4", "ks-5", "ks-6");
    assertThat(keys).containsExactlyInAnyOrder("k/0", "k/1", "k/2", "k/3", "k/4");
  }

  @Test
  void putsIntoOneKeyspaceStayInTheFirstKeyspaceAndSpreadOverItsKeys() {
    ComparisonWorkload.Generator generator = ComparisonWorkload.PUT_ONE.generator(shape, 3);
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      PutObjectRequest put = (PutObjectRequest) generator.next().request();
      assertThat(put.getStoreId()).isEqualTo("ks-0");
      assertThat(put.getTransactionItems(0).getVersion()).isEqualTo(-1);
      keys.add(put.getTransactionItems(0).getKey());
    }
    assertThat(keys)
        .hasSizeGreaterThan(250)
        .allSatisfy(key -> assertThat(Integer.parseInt(key.substring(2))).isBetween(0, 299));
  }

  @Test
  void getsReadOnlyPopulatedKeys() {
    ComparisonWorkload.Generator generator = ComparisonWorkload.GET.generator(shape, 5);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      Call call = generator.next();
      assertThat(call.method()).isEqualTo(Method.GET_OBJECT);
      GetObjectRequest get = (GetObjectRequest) call.request();
      seen.add(get.getStoreId() + "/" + get.getKey());
    }
    assertThat(seen).hasSize(35);
  }

  @Test
  void theSameSeedGivesTheSameRequests() {
    ComparisonWorkload.Generator a = ComparisonWorkload.PUT_MANY.generator(shape, 9);
    ComparisonWorkload.Generator b = ComparisonWorkload.PUT_MANY.generator(shape, 9);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next().request()).isEqualTo(b.next().request());
    }
  }
}
