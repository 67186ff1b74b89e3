package dev.vss.bench.load;

import com.google.protobuf.MessageLite;

/**
 * One request of a workload, addressed to one user's keyspace.
 *
 * @param method the VSS method
 * @param user the user's number; the user token is {@link LoadShape#userToken(int)}
 * @param request the request message
 * @param versionedKey for a conditional put, the versioned key it writes (its version advances in
 *     the {@link VersionBook} when the put succeeds); -1 otherwise
 */
record Call(Method method, int user, MessageLite request, int versionedKey) {}
