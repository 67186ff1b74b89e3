package dev.vss.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestValidationTest {
  private final RequestValidation validation =
      new RequestValidation(
          Limits.DEFAULTS
              .withMaxItemsPerPut(3)
              .withMaxKeyLength(5)
              .withMaxStoreIdLength(4)
              .withMaxValueBytes(8));

  private static KeyValue kv(String key, long version) {
    return KeyValue.newBuilder().setKey(key).setVersion(version).build();
  }

  private static void assertInvalid(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  @Test
  void putRejectsEachBadInputWithAPreciseMessage() {
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder().addTransactionItems(kv("", 0)).build()),
        "transaction_items[0].key must not be empty");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder()
                    .addTransactionItems(kv("a", 0))
                    .addDeleteItems(kv("a", 0))
                    .build()),
        "delete_items[0].key 'a' appears more than once");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder().addTransactionItems(kv("a", -2)).build()),
        "transaction_items[0].version");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder().addDeleteItems(kv("global_version", -1)).build()),
        "reserved");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder().addTransactionItems(kv("abcdef", 0)).build()),
        "6 characters; the limit is 5");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder()
                    .setStoreId("abcde")
                    .addTransactionItems(kv("a", 0))
                    .build()),
        "store_id is 5 characters");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder()
                    .addTransactionItems(kv("a", 0))
                    .addTransactionItems(kv("b", 0))
                    .addDeleteItems(kv("c", 0))
                    .addDeleteItems(kv("d", 0))
                    .build()),
        "4 items (transaction_items + delete_items); the limit is 3");
    assertInvalid(
        () ->
            validation.putObjects(
                PutObjectRequest.newBuilder()
                    .addTransactionItems(
                        kv("a", 0).toBuilder().setValue(ByteString.copyFrom(new byte[9])))
                    .build()),
        "value is 9 bytes; the limit is 8");
  }

  @Test
  void unpairedSurrogatesAreRefusedInEveryStringAndPairsAreAccepted() {
    String message = "holds an unpaired UTF-16 surrogate at index ";
    // A lone high surrogate at the end, a lone low one, a high one followed by a non-surrogate.
    for (String bad : new String[] {"a\uD800", "\uDC00", "\uD800b"}) {
      assertInvalid(
          () -> validation.getObject(GetObjectRequest.newBuilder().setKey(bad).build()),
          "key " + message);
      assertInvalid(
          () ->
              validation.getObject(
                  GetObjectRequest.newBuilder().setStoreId(bad).setKey("a").build()),
          "store_id " + message);
      assertInvalid(
          () ->
              validation.putObjects(
                  PutObjectRequest.newBuilder().addTransactionItems(kv(bad, 0)).build()),
          "transaction_items[0].key " + message);
      assertInvalid(
          () ->
              validation.putObjects(
                  PutObjectRequest.newBuilder().addDeleteItems(kv(bad, 0)).build()),
          "delete_items[0].key " + message);
      assertInvalid(
          () ->
              validation.deleteObject(
                  DeleteObjectRequest.newBuilder().setKeyValue(kv(bad, 0)).build()),
          "key_value.key " + message);
      assertInvalid(
          () ->
              validation.listKeyVersions(
                  ListKeyVersionsRequest.newBuilder().setKeyPrefix(bad).build()),
          "key_prefix " + message);
      assertInvalid(() -> validation.userToken("user" + bad), "user token " + message);
    }
    assertInvalid(() -> validation.userToken("ab\uDC00"), "at index 2");
    // A pair is one character: accepted everywhere, and counted once against the limits.
    String pair = "\uD83D\uDE00";
    assertThatCode(
            () -> {
              validation.getObject(
                  GetObjectRequest.newBuilder().setStoreId(pair).setKey(pair).build());
              validation.putObjects(
                  PutObjectRequest.newBuilder()
                      .setStoreId(pair)
                      .addTransactionItems(kv(pair + pair + pair + pair + pair, 0))
                      .build());
              validation.listKeyVersions(
                  ListKeyVersionsRequest.newBuilder().setKeyPrefix(pair).build());
              validation.userToken(pair);
            })
        .doesNotThrowAnyException();
  }

  @Test
  void limitsAreInclusiveAndCountCharactersNotUtf16Units() {
    // Five supplementary characters are ten UTF-16 units but five characters.
    String fiveEmoji = "\uD83D\uDE00".repeat(5);
    assertThatCode(
            () ->
                validation.putObjects(
                    PutObjectRequest.newBuilder()
                        .setStoreId("abcd")
                        .addTransactionItems(
                            kv(fiveEmoji, 0).toBuilder().setValue(ByteString.copyFrom(new byte[8])))
                        .addTransactionItems(kv("b", -1))
                        .addDeleteItems(kv("c", 3))
                        .build()))
        .doesNotThrowAnyException();
    assertThat(
            validation.putObjects(
                PutObjectRequest.newBuilder()
                    .addTransactionItems(kv("x", 0))
                    .addDeleteItems(kv("y", 0))
                    .build()))
        .containsExactly("x", "y");
  }

  @Test
  void getDeleteAndListRejectBadInput() {
    assertInvalid(
        () -> validation.getObject(GetObjectRequest.getDefaultInstance()), "key must not be empty");
    assertInvalid(
        () -> validation.deleteObject(DeleteObjectRequest.getDefaultInstance()),
        "key_value is required");
    assertInvalid(
        () ->
            validation.deleteObject(
                DeleteObjectRequest.newBuilder().setKeyValue(kv("a", -5)).build()),
        "key_value.version");
    assertInvalid(
        () ->
            validation.listKeyVersions(ListKeyVersionsRequest.newBuilder().setPageSize(-1).build()),
        "page_size must not be negative");
    assertInvalid(
        () ->
            validation.listKeyVersions(
                ListKeyVersionsRequest.newBuilder().setKeyPrefix("abcdef").build()),
        "key_prefix is 6 characters");
    assertThatCode(
            () ->
                validation.listKeyVersions(
                    ListKeyVersionsRequest.newBuilder().setPageSize(0).setKeyPrefix("").build()))
        .doesNotThrowAnyException();
  }

  @Test
  void userTokenMustBePresentAndBounded() {
    assertInvalid(() -> validation.userToken(""), "user token must not be empty");
    assertInvalid(() -> validation.userToken(null), "user token must not be empty");
    assertInvalid(() -> validation.userToken("u".repeat(121)), "121 characters; the limit is 120");
    assertThatCode(() -> validation.userToken("u".repeat(120))).doesNotThrowAnyException();
  }
}
