package dev.javoy.filters.compression;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CompressionLibraryFactory;
import dev.javoy.proxy.extension.FactoryContext;

/** Category {@code envoy.compression.decompressor}: builds a decompressor library from its typed config. */
public interface DecompressorLibraryFactory extends CompressionLibraryFactory {
  /** @throws ConfigException naming the offending field relative to the library's {@code typed_config} */
  DecompressorLibrary create(Message config, FactoryContext context) throws ConfigException;
}
