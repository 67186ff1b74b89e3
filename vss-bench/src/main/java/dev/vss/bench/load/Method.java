package dev.vss.bench.load;

/** The VSS methods the load benchmark calls, with their path under the API base. */
enum Method {
  GET_OBJECT("getObject"),
  PUT_OBJECTS("putObjects"),
  LIST_KEY_VERSIONS("listKeyVersions");

  private final String wireName;

  Method(String wireName) {
    this.wireName = wireName;
  }

  /** The method's name in the URL, such as {@code putObjects}. */
  String wireName() {
    return wireName;
  }
}
