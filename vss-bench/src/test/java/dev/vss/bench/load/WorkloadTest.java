package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.VssException;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.PutObjectRequest;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private final LoadShape shape = new LoadShape(10, 100, 3);

  @Test
  void conditionalPutsOfAWorkerStayOnItsOwnUsersWithTheTrackedVersion() {
    VersionBook book = new VersionBook(shape, 1);
    book.advance(4, 2);
    Set<Integer> seen = new HashSet<>();
    Workload.Generator generator = Workload.CONDITIONAL_PUT.generator(shape, book, 1, 3, 9);
    for (int i = 0; i < 1000; i++) {
      Call call = generator.next();
      assertThat(call.user() % 3).isEqualTo(1);
      PutObjectRequest put = (PutObjectRequest) call.request();
      assertThat(put.getTransactionItems(0).getKey())
          .isEqualTo(LoadShape.versionedKey(call.versionedKey()));
      assertThat(put.getTransactionItems(0).getVersion())
          .isEqualTo(book.version(call.user(), call.versionedKey()));
      seen.add(call.user());
    }
    assertThat(seen).containsExactlyInAnyOrder(1, 4, 7);
    assertThat(book.version(4, 2)).isEqualTo(2);
  }

  @Test
  void aSuccessfulConditionalPutAdvancesTheBookAndAConflictDoesNot() {
    VersionBook book = new VersionBook(shape, 1);
    Workload.Generator generator = Workload.CONDITIONAL_PUT.generator(shape, book, 0, 1, 9);
    Call call = generator.next();
    generator.completed(call, 409);
    assertThat(book.version(call.user(), call.versionedKey())).isEqualTo(1);
    generator.completed(call, 200);
    assertThat(book.version(call.user(), call.versionedKey())).isEqualTo(2);
  }

  @Test
  void walletMixIsSeventyTwentyFiveFiveWithValuesOfOneToEightKiB() {
    Workload.Generator generator =
        Workload.WALLET_MIX.generator(shape, new VersionBook(shape, 1), 0, 1, 5);
    Map<Method, Integer> counts = new EnumMap<>(Method.class);
    int smallest = Integer.MAX_VALUE;
    int largest = 0;
    for (int i = 0; i < 20_000; i++) {
      Call call = generator.next();
      counts.merge(call.method(), 1, Integer::sum);
      if (call.method() == Method.PUT_OBJECTS) {
        PutObjectRequest put = (PutObjectRequest) call.request();
        assertThat(put.getTransactionItems(0).getVersion()).isEqualTo(-1);
        int size = put.getTransactionItems(0).getValue().size();
        smallest = Math.min(smallest, size);
        largest = Math.max(largest, size);
      }
    }
    assertThat(counts.get(Method.PUT_OBJECTS)).isBetween(13_600, 14_400);
    assertThat(counts.get(Method.GET_OBJECT)).isBetween(4_600, 5_400);
    assertThat(counts.get(Method.LIST_KEY_VERSIONS)).isBetween(800, 1_200);
    assertThat(smallest).isBetween(1024, 1100);
    assertThat(largest).isBetween(8100, 8192);
  }

  @Test
  void moreWorkersThanUsersIsRefusedForConditionalPutsOnly() {
    // A worker owns the users it sends conditional puts to; other workloads share every user.
    assertThatThrownBy(
            () -> Workload.CONDITIONAL_PUT.generator(shape, new VersionBook(shape, 1), 0, 11, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Workload.GET.generator(shape, new VersionBook(shape, 1), 0, 11, 1)).isNotNull();
  }

  @Test
  void workloadsAreNamedByLabelOrEnumName() {
    assertThat(Workload.named("conditional-put")).isEqualTo(Workload.CONDITIONAL_PUT);
    assertThat(Workload.named("wallet-mix")).isEqualTo(Workload.WALLET_MIX);
    assertThat(Workload.named("list_page")).isEqualTo(Workload.LIST_PAGE);
    assertThatThrownBy(() -> Workload.named("delete")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void headerAuthorizerMapsUserNumbersAndRefusesAnythingElse() {
    HeaderAuthorizer authorizer = new HeaderAuthorizer();
    assertThat(authorizer.authorize(Map.of("authorization", "user-17"))).isEqualTo("user-17");
    for (String bad : new String[] {"user-", "user-x", "bearer 1", "user-1234567890"}) {
      assertThatThrownBy(() -> authorizer.authorize(Map.of("Authorization", bad)))
          .isInstanceOfSatisfying(
              VssException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION));
    }
    assertThatThrownBy(() -> authorizer.authorize(Map.of())).isInstanceOf(VssException.class);
  }

  @Test
  void concurrentConditionalPutsOnTheServiceNeverConflict() throws Exception {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      dev.vss.core.VssService service =
          new dev.vss.core.VssService(storage, dev.vss.core.Limits.DEFAULTS);
      VersionBook book = new VersionBook(shape, 0);
      // Fresh store: every versioned key is missing, so version 0 creates it.
      ClosedLoop.Result result =
          ClosedLoop.run(
              4,
              java.time.Duration.ZERO,
              java.time.Duration.ofMillis(300),
              () -> new ServiceEndpoint(service),
              worker -> Workload.CONDITIONAL_PUT.generator(shape, book, worker, 4, worker));
      assertThat(result.latencies().count()).isPositive();
      assertThat(result.failures()).isZero();
      long writes = 0;
      for (int user = 0; user < shape.users(); user++) {
        for (int key = 0; key < shape.versionedKeys(); key++) {
          long tracked = book.version(user, key);
          var stored =
              storage.get(
                  new Keyspace(LoadShape.userToken(user), LoadShape.STORE_ID),
                  LoadShape.versionedKey(key));
          assertThat(stored.map(r -> r.version()).orElse(0L)).isEqualTo(tracked);
          writes += tracked;
        }
      }
      assertThat(writes).isGreaterThanOrEqualTo(result.latencies().count());
    }
  }
}
