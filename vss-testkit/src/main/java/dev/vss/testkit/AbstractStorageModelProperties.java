package dev.vss.testkit;

/**
 * The former name of {@link StorageModelPropertySuite}, kept so that existing subclasses compile.
 *
 * @deprecated extend {@link StorageModelPropertySuite}; the kit's entry points are all named {@code
 *     ...Suite} now.
 */
@Deprecated(since = "0.1.0")
public abstract class AbstractStorageModelProperties extends StorageModelPropertySuite {}
