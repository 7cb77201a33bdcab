package dev.javoy.filters.compression.gzip;

import com.google.protobuf.Message;
import dev.javoy.filters.compression.CompressorLibrary;
import dev.javoy.filters.compression.CompressorLibraryFactory;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.StreamCompressor;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.log.Log;
import io.envoyproxy.envoy.extensions.compression.gzip.compressor.v3.Gzip;
import java.util.List;
import java.util.zip.Deflater;

/**
 * {@code envoy.compression.gzip.compressor}. The JDK's zlib binding takes the level and strategy but always
 * deflates with zlib's default window (15 bits) and memory level (8): {@code window_bits} and
 * {@code memory_level} are validated and, when set to something else, reported at startup; the output is
 * standard gzip either way, only the memory per stream and the ratio differ. The RLE and FIXED strategies,
 * which the JDK lacks, are rejected.
 */
public final class GzipCompressorFactory implements CompressorLibraryFactory {
  static final int DEFAULT_CHUNK_SIZE = 4096;
  private static final int JDK_WINDOW_BITS = 15;
  private static final int JDK_MEMORY_LEVEL = 8;

  /** The built library: settings shared by every stream's compressor. */
  record Library(int level, int strategy, int chunkSize) implements CompressorLibrary {
    @Override
    public String contentEncoding() {
      return "gzip";
    }

    @Override
    public String statsPrefix() {
      return "gzip.";
    }

    @Override
    public StreamCompressor newCompressor() {
      return new GzipCompressor(level, strategy, chunkSize);
    }
  }

  @Override
  public Message defaultConfig() {
    return Gzip.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.compression.gzip.compressor");
  }

  @Override
  public CompressorLibrary create(Message config, FactoryContext context) throws ConfigException {
    Gzip g = (Gzip) config;
    int memoryLevel = ConfigValues.uint32(g.hasMemoryLevel(), g.getMemoryLevel(), 5, 1, 9, "memory_level");
    int windowBits = ConfigValues.uint32(g.hasWindowBits(), g.getWindowBits(), 12, 9, 15, "window_bits");
    int chunkSize = ConfigValues.uint32(g.hasChunkSize(), g.getChunkSize(), DEFAULT_CHUNK_SIZE, 4096, 65536,
        "chunk_size");
    if ((g.hasWindowBits() && windowBits != JDK_WINDOW_BITS)
        || (g.hasMemoryLevel() && memoryLevel != JDK_MEMORY_LEVEL)) {
      Log.get("config").warning("gzip compressor: window_bits " + windowBits + " and memory_level " + memoryLevel
          + " are applied as " + JDK_WINDOW_BITS + " and " + JDK_MEMORY_LEVEL
          + " (the JDK's zlib binding fixes them; the output is standard gzip)");
    }
    return new Library(level(g.getCompressionLevelValue()), strategy(g), chunkSize);
  }

  /** zlib's level for Envoy's enum: DEFAULT_COMPRESSION (0) is zlib's default, else the level number itself. */
  private static int level(int enumValue) throws ConfigException {
    if (enumValue < 0 || enumValue > 9) {
      throw new ConfigException("compression_level", "value must be one of the defined enum values, got "
          + enumValue);
    }
    return enumValue == 0 ? Deflater.DEFAULT_COMPRESSION : enumValue;
  }

  private static int strategy(Gzip g) throws ConfigException {
    return switch (g.getCompressionStrategy()) {
      case DEFAULT_STRATEGY -> Deflater.DEFAULT_STRATEGY;
      case FILTERED -> Deflater.FILTERED;
      case HUFFMAN_ONLY -> Deflater.HUFFMAN_ONLY;
      default -> throw new ConfigException("compression_strategy", "strategy " + g.getCompressionStrategy()
          + " is not supported by javoy (the JDK's zlib binding has DEFAULT_STRATEGY, FILTERED and HUFFMAN_ONLY)");
    };
  }
}
