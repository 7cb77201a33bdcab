package dev.javoy.filters.compression.zstd;

import com.google.protobuf.Message;
import dev.javoy.filters.compression.CompressorLibrary;
import dev.javoy.filters.compression.CompressorLibraryFactory;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.StreamCompressor;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.extensions.compression.zstd.compressor.v3.Zstd;
import java.util.List;

/**
 * {@code envoy.compression.zstd.compressor} with Envoy's defaults (level 3, no checksum, the level's strategy,
 * chunk {@code ZSTD_CStreamOutSize()}). Levels above zstd's maximum are clamped, as zstd does; dictionaries
 * are not supported yet.
 */
public final class ZstdCompressorFactory implements CompressorLibraryFactory {
  private static final int DEFAULT_LEVEL = 3;
  private static final int MAX_LEVEL = 22;

  /** The built library: settings shared by every stream's compressor. */
  record Library(int level, boolean checksum, int strategy, int chunkSize) implements CompressorLibrary {
    @Override
    public String contentEncoding() {
      return "zstd";
    }

    @Override
    public String statsPrefix() {
      return "zstd.";
    }

    @Override
    public StreamCompressor newCompressor() {
      return new ZstdCompressor(level, checksum, strategy, chunkSize);
    }
  }

  @Override
  public Message defaultConfig() {
    return Zstd.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.compression.zstd.compressor");
  }

  @Override
  public CompressorLibrary create(Message config, FactoryContext context) throws ConfigException {
    Zstd z = (Zstd) config;
    if (z.hasDictionary()) {
      throw new ConfigException("dictionary", "zstd dictionaries are not supported by javoy yet");
    }
    int strategy = z.getStrategyValue();
    if (strategy < 0 || strategy > 9) {
      throw new ConfigException("strategy", "value must be one of the defined enum values, got " + strategy);
    }
    long level = z.hasCompressionLevel() ? Integer.toUnsignedLong(z.getCompressionLevel().getValue()) : DEFAULT_LEVEL;
    ZstdNative.require("envoy.compression.zstd.compressor");
    int chunkSize = ConfigValues.uint32(z.hasChunkSize(), z.getChunkSize(), ZstdNative.compressorChunkSize(), 4096,
        65536, "chunk_size");
    return new Library((int) Math.min(level, MAX_LEVEL), z.getEnableChecksum(), strategy, chunkSize);
  }
}
