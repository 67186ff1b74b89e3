package dev.vss.server.app;

import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import dev.vss.server.HttpVssEndpoint;
import dev.vss.testkit.VssConcurrencySuite;
import dev.vss.testkit.VssEndpoint;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Scale-out: two server processes on one PostgreSQL database, and the testkit's races sent to both
 * at once (calls alternate between them), so racing creates and compare-and-sets meet in different
 * processes. Exactly one must win each race, as on one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresScaleOutIT extends VssConcurrencySuite {
  private PostgresServers servers;
  private List<ServerProcess> processes;
  private VssEndpoint endpoint;

  @Override
  protected VssEndpoint newEndpoint() throws Exception {
    if (endpoint == null) {
      servers = new PostgresServers(Files.createTempDirectory("vss-scale-out-"));
      processes = List.of(servers.start(), servers.start());
      java.net.http.HttpClient client = HttpVssEndpoint.newClient();
      VssEndpoint[] both = new VssEndpoint[2];
      for (int i = 0; i < 2; i++) {
        URI api = processes.get(i).awaitListening();
        both[i] =
            new HttpVssEndpoint(client, api, servers.credentials::authorization, "server " + i);
      }
      endpoint = new Alternating(both);
    }
    return endpoint;
  }

  @Override
  protected void closeEndpoint(VssEndpoint endpoint) {
    // both processes serve every test of the class
  }

  /** Each round is 16 concurrent HTTP requests across two processes. */
  @Override
  protected int rounds() {
    return 5;
  }

  @AfterAll
  void stopServers() {
    if (processes != null) {
      processes.forEach(ServerProcess::terminate);
      processes.forEach(ServerProcess::close);
    }
  }

  /** Sends each call to the next server in turn. */
  private static final class Alternating implements VssEndpoint {
    private final VssEndpoint[] targets;
    private final AtomicInteger next = new AtomicInteger();

    Alternating(VssEndpoint[] targets) {
      this.targets = targets;
    }

    private VssEndpoint target() {
      return targets[Math.floorMod(next.getAndIncrement(), targets.length)];
    }

    @Override
    public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
      return target().getObject(userToken, request);
    }

    @Override
    public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
      return target().putObjects(userToken, request);
    }

    @Override
    public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
      return target().deleteObject(userToken, request);
    }

    @Override
    public ListKeyVersionsResponse listKeyVersions(
        String userToken, ListKeyVersionsRequest request) {
      return target().listKeyVersions(userToken, request);
    }
  }
}
