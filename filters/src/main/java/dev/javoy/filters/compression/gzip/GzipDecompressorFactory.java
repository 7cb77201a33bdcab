package dev.javoy.filters.compression.gzip;

import com.google.protobuf.Message;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.DecompressorLibrary;
import dev.javoy.filters.compression.DecompressorLibraryFactory;
import dev.javoy.filters.compression.StreamDecompressor;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.log.Log;
import io.envoyproxy.envoy.extensions.compression.gzip.decompressor.v3.Gzip;
import java.util.List;

/**
 * {@code envoy.compression.gzip.decompressor}, with Envoy's decompression bomb guard
 * ({@code max_inflate_ratio}, default 100). The JDK's zlib binding always inflates with a 15-bit window, so a
 * smaller {@code window_bits} (reported at startup) also accepts streams made with a larger window.
 */
public final class GzipDecompressorFactory implements DecompressorLibraryFactory {
  private static final int DEFAULT_MAX_INFLATE_RATIO = 100;
  private static final List<String> ERROR_STATS = List.of("zlib_errno", "zlib_stream_error", "zlib_data_error",
      "zlib_mem_error", "zlib_buf_error", "zlib_version_error");

  /** The built library: settings shared by every stream's decompressor. */
  record Library(int chunkSize, int maxInflateRatio) implements DecompressorLibrary {
    @Override
    public String contentEncoding() {
      return "gzip";
    }

    @Override
    public String statsPrefix() {
      return "gzip.";
    }

    @Override
    public List<String> errorStats() {
      return ERROR_STATS;
    }

    @Override
    public StreamDecompressor newDecompressor() {
      return new GzipDecompressor(chunkSize, maxInflateRatio);
    }
  }

  @Override
  public Message defaultConfig() {
    return Gzip.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.compression.gzip.decompressor");
  }

  @Override
  public DecompressorLibrary create(Message config, FactoryContext context) throws ConfigException {
    Gzip g = (Gzip) config;
    int windowBits = ConfigValues.uint32(g.hasWindowBits(), g.getWindowBits(), 15, 9, 15, "window_bits");
    int chunkSize = ConfigValues.uint32(g.hasChunkSize(), g.getChunkSize(), GzipCompressorFactory.DEFAULT_CHUNK_SIZE,
        4096, 65536, "chunk_size");
    int ratio = ConfigValues.uint32(g.hasMaxInflateRatio(), g.getMaxInflateRatio(), DEFAULT_MAX_INFLATE_RATIO,
        1, 1032, "max_inflate_ratio");
    if (windowBits != 15) {
      Log.get("config").warning("gzip decompressor: window_bits " + windowBits
          + " is applied as 15 (the JDK's zlib binding fixes it)");
    }
    return new Library(chunkSize, ratio);
  }
}
