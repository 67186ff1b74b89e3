/**
 * Durable PostgreSQL storage adapter on the reference VSS server's schema, with group commit; many
 * stateless servers can share one database.
 */
package dev.vss.store.postgres;
