package dev.javoy.filters.compression.brotli;

import com.google.protobuf.Message;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.DecompressorLibrary;
import dev.javoy.filters.compression.DecompressorLibraryFactory;
import dev.javoy.filters.compression.StreamDecompressor;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.log.Log;
import io.envoyproxy.envoy.extensions.compression.brotli.decompressor.v3.Brotli;
import java.util.List;

/**
 * {@code envoy.compression.brotli.decompressor}. {@code disable_ring_buffer_reallocation} (a memory tuning
 * brotli4j's decoder does not take) is reported at startup when set.
 */
public final class BrotliDecompressorFactory implements DecompressorLibraryFactory {
  /** The built library: settings shared by every stream's decompressor. */
  record Library(int chunkSize) implements DecompressorLibrary {
    @Override
    public String contentEncoding() {
      return "br";
    }

    @Override
    public String statsPrefix() {
      return "brotli.";
    }

    @Override
    public List<String> errorStats() {
      return List.of(BrotliDecompressor.ERROR);
    }

    @Override
    public StreamDecompressor newDecompressor() {
      return new BrotliDecompressor(chunkSize);
    }
  }

  @Override
  public Message defaultConfig() {
    return Brotli.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.compression.brotli.decompressor");
  }

  @Override
  public DecompressorLibrary create(Message config, FactoryContext context) throws ConfigException {
    Brotli b = (Brotli) config;
    int chunkSize = ConfigValues.uint32(b.hasChunkSize(), b.getChunkSize(), BrotliCompressorFactory.DEFAULT_CHUNK_SIZE,
        4096, 65536, "chunk_size");
    if (b.getDisableRingBufferReallocation()) {
      Log.get("config").warning("brotli decompressor: disable_ring_buffer_reallocation is left to the brotli"
          + " library (brotli4j's decoder does not take it)");
    }
    BrotliNative.require("envoy.compression.brotli.decompressor");
    return new Library(chunkSize);
  }
}
