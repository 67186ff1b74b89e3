/** The PostgreSQL storage adapter: {@code PostgresStorage} and its options. */
module dev.vss.store.postgres {
  requires transitive dev.vss.core;
  requires java.sql;
  requires com.zaxxer.hikari;
  // The JDBC driver Hikari loads: required so the module system resolves it.
  requires org.postgresql.jdbc;

  exports dev.vss.store.postgres;
}
