package dev.javoy.filters.compression.zstd;

import com.google.protobuf.Message;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.DecompressorLibrary;
import dev.javoy.filters.compression.DecompressorLibraryFactory;
import dev.javoy.filters.compression.StreamDecompressor;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.extensions.compression.zstd.decompressor.v3.Zstd;
import java.util.List;

/** {@code envoy.compression.zstd.decompressor}; dictionaries are not supported yet. */
public final class ZstdDecompressorFactory implements DecompressorLibraryFactory {
  /** The built library: settings shared by every stream's decompressor. */
  record Library(int chunkSize) implements DecompressorLibrary {
    @Override
    public String contentEncoding() {
      return "zstd";
    }

    @Override
    public String statsPrefix() {
      return "zstd.";
    }

    @Override
    public List<String> errorStats() {
      return ZstdDecompressor.ERROR_STATS;
    }

    @Override
    public StreamDecompressor newDecompressor() {
      return new ZstdDecompressor(chunkSize);
    }
  }

  @Override
  public Message defaultConfig() {
    return Zstd.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.compression.zstd.decompressor");
  }

  @Override
  public DecompressorLibrary create(Message config, FactoryContext context) throws ConfigException {
    Zstd z = (Zstd) config;
    if (z.getDictionariesCount() > 0) {
      throw new ConfigException("dictionaries", "zstd dictionaries are not supported by javoy yet");
    }
    ZstdNative.require("envoy.compression.zstd.decompressor");
    int chunkSize = ConfigValues.uint32(z.hasChunkSize(), z.getChunkSize(), ZstdNative.decompressorChunkSize(), 4096,
        65536, "chunk_size");
    return new Library(chunkSize);
  }
}
