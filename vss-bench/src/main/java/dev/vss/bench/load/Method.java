package dev.vss.bench.load;

import dev.vss.protocol.VssMethod;

/** The VSS methods the load benchmark calls (a subset of {@link VssMethod}, usable as map keys). */
enum Method {
  GET_OBJECT(VssMethod.GET_OBJECT),
  PUT_OBJECTS(VssMethod.PUT_OBJECTS),
  LIST_KEY_VERSIONS(VssMethod.LIST_KEY_VERSIONS);

  private final VssMethod<?, ?> method;

  Method(VssMethod<?, ?> method) {
    this.method = method;
  }

  /** The method's name in the URL, such as {@code putObjects}. */
  String wireName() {
    return method.methodName();
  }
}
