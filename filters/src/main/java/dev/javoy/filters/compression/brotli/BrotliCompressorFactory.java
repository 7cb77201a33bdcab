package dev.javoy.filters.compression.brotli;

import com.aayushatharva.brotli4j.encoder.Encoder;
import com.google.protobuf.Message;
import dev.javoy.filters.compression.CompressorLibrary;
import dev.javoy.filters.compression.CompressorLibraryFactory;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.StreamCompressor;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.log.Log;
import io.envoyproxy.envoy.extensions.compression.brotli.compressor.v3.Brotli;
import java.util.List;

/**
 * {@code envoy.compression.brotli.compressor} with Envoy's defaults (quality 3, window 18 bits, chunk 4096).
 * brotli4j's encoder takes the quality, window and mode; {@code input_block_bits} and
 * {@code disable_literal_context_modeling} (ratio and speed tuning only) are validated and, when set,
 * reported at startup as left to the brotli library's own choice.
 */
public final class BrotliCompressorFactory implements CompressorLibraryFactory {
  static final int DEFAULT_CHUNK_SIZE = 4096;

  /** The built library: settings shared by every stream's compressor. */
  record Library(int quality, int windowBits, Encoder.Mode mode, int chunkSize) implements CompressorLibrary {
    @Override
    public String contentEncoding() {
      return "br";
    }

    @Override
    public String statsPrefix() {
      return "brotli.";
    }

    @Override
    public StreamCompressor newCompressor() {
      return new BrotliCompressor(quality, windowBits, mode, chunkSize);
    }
  }

  @Override
  public Message defaultConfig() {
    return Brotli.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.compression.brotli.compressor");
  }

  @Override
  public CompressorLibrary create(Message config, FactoryContext context) throws ConfigException {
    Brotli b = (Brotli) config;
    int quality = ConfigValues.uint32(b.hasQuality(), b.getQuality(), 3, 0, 11, "quality");
    int windowBits = ConfigValues.uint32(b.hasWindowBits(), b.getWindowBits(), 18, 10, 24, "window_bits");
    int blockBits = ConfigValues.uint32(b.hasInputBlockBits(), b.getInputBlockBits(), 24, 16, 24,
        "input_block_bits");
    int chunkSize = ConfigValues.uint32(b.hasChunkSize(), b.getChunkSize(), DEFAULT_CHUNK_SIZE, 4096, 65536,
        "chunk_size");
    Encoder.Mode mode = switch (b.getEncoderMode()) {
      case DEFAULT -> null;
      case GENERIC -> Encoder.Mode.GENERIC;
      case TEXT -> Encoder.Mode.TEXT;
      case FONT -> Encoder.Mode.FONT;
      default -> throw new ConfigException("encoder_mode", "value must be one of the defined enum values, got "
          + b.getEncoderModeValue());
    };
    if (b.hasInputBlockBits() || b.getDisableLiteralContextModeling()) {
      Log.get("config").warning("brotli compressor: input_block_bits " + blockBits
          + " and disable_literal_context_modeling " + b.getDisableLiteralContextModeling()
          + " are left to the brotli library (brotli4j's encoder does not take them)");
    }
    BrotliNative.require("envoy.compression.brotli.compressor");
    return new Library(quality, windowBits, mode, chunkSize);
  }
}
