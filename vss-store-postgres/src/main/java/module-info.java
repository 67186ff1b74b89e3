/** The PostgreSQL storage adapter: {@code PostgresStorage} and its options. */
module dev.vss.store.postgres {
  requires transitive dev.vss.core;
  requires java.sql;
  requires com.zaxxer.hikari;
  // The JDBC driver Hikari loads: required so the module system resolves it.
  requires org.postgresql.jdbc;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.store.postgres;
}
