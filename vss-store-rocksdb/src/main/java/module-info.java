/** The RocksDB storage adapter: {@code RocksDbStorage} and its options. */
module dev.vss.store.rocksdb {
  requires transitive dev.vss.core;
  // rocksdbjni has neither a module descriptor nor an Automatic-Module-Name: this is the name the
  // module system derives from its file name (javac warns about it). Not transitive: no RocksDB
  // type appears in this module's API.
  requires rocksdbjni;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.store.rocksdb;
}
