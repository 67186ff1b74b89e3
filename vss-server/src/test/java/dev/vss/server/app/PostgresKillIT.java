package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.HttpCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL under load: clients keep writing to a server on PostgreSQL, the server is killed at a
 * random point, and every write it acknowledged (a 200) is in the database afterwards, with its
 * value; each multi-item put is all or nothing.
 */
class PostgresKillIT {
  private static final int WRITERS = 16;
  private static final String STORE = "wallet";

  @TempDir Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesASigkill() throws Exception {
    PostgresServers servers = new PostgresServers(dir);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch enough = new CountDownLatch(300 + new java.util.Random().nextInt(300));
    List<Thread> writers = new ArrayList<>();
    try (ServerProcess server = servers.start()) {
      URI api = server.awaitListening();
      HttpCalls calls = new HttpCalls(URI.create(api.getScheme() + "://" + api.getAuthority()));
      String authorization = servers.credentials.authorization("killed");
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < 100_000 && !stop.get(); i++) {
                    String key = "w" + writer + "-" + i;
                    PutObjectRequest put =
                        PutObjectRequest.newBuilder()
                            .setStoreId(STORE)
                            .addTransactionItems(item(key + "-a", key))
                            .addTransactionItems(item(key + "-b", key))
                            .build();
                    try {
                      if (calls
                              .post("/vss/putObjects", put, Map.of("Authorization", authorization))
                              .status()
                          == 200) {
                        acknowledged.add(key);
                        enough.countDown();
                      }
                    } catch (Exception e) {
                      return; // the server is gone
                    }
                  }
                },
                "writer-" + w);
        thread.start();
        writers.add(thread);
      }
      assertThat(enough.await(5, TimeUnit.MINUTES)).as("writes were acknowledged").isTrue();
      // SIGKILL: no shutdown hook, no flush, nothing of the JVM runs any more.
      server.kill();
      stop.set(true);
      for (Thread thread : writers) {
        thread.join(TimeUnit.MINUTES.toMillis(2));
      }
    }

    Map<String, List<String>> stored = new HashMap<>();
    try (Connection c = servers.postgres.connect(servers.database);
        PreparedStatement read =
            c.prepareStatement(
                "SELECT key, value, version FROM vss_db WHERE store_id = ? AND key <> 'global_version'")) {
      read.setString(1, STORE);
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          String key = rows.getString(1);
          String put = key.substring(0, key.length() - 2);
          assertThat(new String(rows.getBytes(2), StandardCharsets.UTF_8)).isEqualTo(put);
          assertThat(rows.getLong(3)).isEqualTo(1);
          stored.computeIfAbsent(put, k -> new ArrayList<>()).add(key);
        }
      }
    }
    assertThat(acknowledged).isNotEmpty();
    assertThat(stored.keySet()).as("every acknowledged put is stored").containsAll(acknowledged);
    assertThat(stored.values())
        .as("each put is all or nothing")
        .allSatisfy(keys -> assertThat(keys).hasSize(2));
  }

  private static KeyValue item(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setVersion(0)
        .setValue(ByteString.copyFrom(value, StandardCharsets.UTF_8))
        .build();
  }
}
