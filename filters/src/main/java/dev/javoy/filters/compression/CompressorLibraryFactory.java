package dev.javoy.filters.compression;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CompressionLibraryFactory;
import dev.javoy.proxy.extension.FactoryContext;

/** Category {@code envoy.compression.compressor}: builds a compressor library from its typed config. */
public interface CompressorLibraryFactory extends CompressionLibraryFactory {
  /** @throws ConfigException naming the offending field relative to the library's {@code typed_config} */
  CompressorLibrary create(Message config, FactoryContext context) throws ConfigException;
}
