/** The SQLite storage adapter: {@code SqliteStorage} and its options. */
module dev.vss.store.sqlite {
  requires transitive dev.vss.core;
  requires java.sql;
  // The xerial driver: used directly (its SQLiteConfig) and registered with DriverManager by its
  // own provides java.sql.Driver.
  requires org.xerial.sqlitejdbc;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.store.sqlite;
}
