package dev.vss.examples.client;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.vss.client.RetryPolicy;
import dev.vss.client.VssClient;
import dev.vss.client.VssClientException;
import dev.vss.client.auth.SignatureHeaderProvider;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.io.PrintStream;
import java.util.HexFormat;

/**
 * One signed VSS request from the command line, for a human poking at a server: the request is
 * written in protobuf's text format, the response is printed the same way (values as escaped
 * bytes), and an error answer is printed as its error class and message.
 *
 * <pre>
 * mvn -B -q -pl examples -am package -DskipTests -Dexample=client.Call \
 *     -Dexample.args="http://127.0.0.1:8080/vss putObjects 'transaction_items { key: \"a\" version: 0 value: \"hi\" }'"
 * </pre>
 *
 * <p>Requests are signed with the secp256k1 private key in the environment variable {@code
 * VSS_AUTH_KEY} (64 hex digits); without it, with a fixed demonstration key that anyone can use, so
 * data written with it is public. The user token (the key's public key) is printed first.
 */
public final class Call {
  /** The demonstration key: the byte 1 in 32 bytes, a valid secp256k1 private key. */
  private static final String DEMO_KEY = "00".repeat(31) + "01";

  private Call() {}

  /**
   * Runs one call.
   *
   * @param args the server's base URL (ending in the VSS path, e.g. {@code /vss}), the method
   *     ({@code getObject}, {@code putObjects}, {@code deleteObject} or {@code listKeyVersions}),
   *     and the request in protobuf text format (may be empty)
   */
  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println(
          "usage: Call BASE_URL getObject|putObjects|deleteObject|listKeyVersions"
              + " ['REQUEST IN PROTOBUF TEXT FORMAT']");
      System.exit(2);
    }
    String key = System.getenv().getOrDefault("VSS_AUTH_KEY", DEMO_KEY);
    int status =
        run(
            args[0],
            args[1],
            args.length == 3 ? args[2] : "",
            HexFormat.of().parseHex(key),
            System.out);
    System.exit(status);
  }

  /**
   * Sends one request and prints the outcome to {@code out}.
   *
   * @return 0 when the server answered with success, 1 for an error answer or a failed call, 2 for
   *     a request that could not be built
   */
  public static int run(
      String baseUrl, String method, String requestText, byte[] authKey, PrintStream out) {
    SignatureHeaderProvider auth = SignatureHeaderProvider.of(authKey);
    out.println("# user token " + auth.userToken());
    // No retries: a human wants to see what one request gets.
    VssClient client =
        VssClient.builder(baseUrl)
            .headerProvider(auth)
            .retryPolicy(RetryPolicy.noRetries())
            .build();
    Message response;
    try {
      switch (method) {
        case "getObject" ->
            response = client.getObject(TextFormat.parse(requestText, GetObjectRequest.class));
        case "putObjects" ->
            response = client.putObjects(TextFormat.parse(requestText, PutObjectRequest.class));
        case "deleteObject" ->
            response =
                client.deleteObject(TextFormat.parse(requestText, DeleteObjectRequest.class));
        case "listKeyVersions" ->
            response =
                client.listKeyVersions(TextFormat.parse(requestText, ListKeyVersionsRequest.class));
        default -> {
          out.println(
              "# unknown method '"
                  + method
                  + "'; one of getObject, putObjects, deleteObject, listKeyVersions");
          return 2;
        }
      }
    } catch (TextFormat.ParseException e) {
      out.println("# the request is not valid text format for " + method + ": " + e.getMessage());
      return 2;
    } catch (VssClientException e) {
      out.println("# " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    }
    out.println("# " + method + " ok");
    out.print(TextFormat.printer().printToString(response));
    return 0;
  }
}
