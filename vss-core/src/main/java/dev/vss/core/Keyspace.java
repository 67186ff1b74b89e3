package dev.vss.core;

import java.util.Objects;

/**
 * The namespace of a record: {@code (user_token, store_id)} (SPEC section 3).
 *
 * <p>The user token always comes from an {@code Authorizer}, never from a request body, so two
 * users naming the same {@code store_id} never share a keyspace. The store id may be empty.
 *
 * @param userToken who owns the keyspace, as returned by the authorizer
 * @param storeId the store id from the request; may be empty, never null
 */
public record Keyspace(String userToken, String storeId) {
  /** Validates that both components are present. */
  public Keyspace {
    Objects.requireNonNull(userToken, "userToken");
    Objects.requireNonNull(storeId, "storeId");
  }
}
