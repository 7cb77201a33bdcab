package dev.javoy.filters.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.filters.compression.brotli.BrotliCompressorFactory;
import dev.javoy.filters.compression.gzip.GzipCompressorFactory;
import dev.javoy.filters.compression.gzip.GzipDecompressorFactory;
import dev.javoy.filters.compression.zstd.ZstdDecompressorFactory;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CompressionLibraryFactory;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import org.junit.jupiter.api.Test;

/** The libraries' registration, defaults and config checks, with errors naming their JSON path. */
class LibraryConfigTest {
  private final FilterHarness harness = new FilterHarness();

  private CompressorLibrary compressor(Codecs c, String fields) throws ConfigException {
    return CompressionLibraries.compressor(c.compressorRef(fields), "compressor_library", harness.ctx);
  }

  private ConfigException compressorError(Codecs c, String fields) {
    return assertThrows(ConfigException.class, () -> compressor(c, fields));
  }

  @Test
  void registeredByTypeUrlAndName() {
    var r = FilterHarness.REGISTRY;
    assertInstanceOf(GzipCompressorFactory.class, r.byTypeUrl(CompressionLibraryFactory.class,
        Codecs.GZIP.compressorType));
    assertInstanceOf(GzipDecompressorFactory.class, r.byName(CompressionLibraryFactory.class,
        "envoy.compression.gzip.decompressor"));
    assertInstanceOf(BrotliCompressorFactory.class, r.byName(CompressionLibraryFactory.class,
        "envoy.compression.brotli.compressor"));
    assertInstanceOf(ZstdDecompressorFactory.class, r.byTypeUrl(CompressionLibraryFactory.class,
        Codecs.ZSTD.decompressorType));
  }

  @Test
  void defaultsAreEnvoys() throws Exception {
    assertEquals(new GzipCompressorFactory().create(
        io.envoyproxy.envoy.extensions.compression.gzip.compressor.v3.Gzip.getDefaultInstance(), harness.ctx),
        compressor(Codecs.GZIP, ""));
    var gzip = compressor(Codecs.GZIP, "\"compression_level\": \"BEST_SPEED\", \"chunk_size\": 8192");
    assertEquals("gzip", gzip.contentEncoding());
    assertEquals("gzip.", gzip.statsPrefix());
    assertTrue(gzip.toString().contains("level=1"), gzip.toString());
    assertTrue(gzip.toString().contains("chunkSize=8192"), gzip.toString());
    var br = compressor(Codecs.BROTLI, "");
    assertEquals("br", br.contentEncoding());
    assertTrue(br.toString().contains("quality=3, windowBits=18, mode=null, chunkSize=4096"), br.toString());
    var zstd = compressor(Codecs.ZSTD, "\"compression_level\": 99, \"strategy\": \"BTULTRA2\"");
    assertEquals("zstd", zstd.contentEncoding());
    assertTrue(zstd.toString().contains("level=22, checksum=false, strategy=9"), zstd.toString());
  }

  @Test
  void tuningTheJdkCannotApplyIsAcceptedAndReported() throws Exception {
    // window_bits and memory_level (as in Envoy's own docs example) do not fail config
    assertEquals("gzip", compressor(Codecs.GZIP, "\"window_bits\": 10, \"memory_level\": 3").contentEncoding());
    assertEquals("br", compressor(Codecs.BROTLI, "\"input_block_bits\": 20").contentEncoding());
  }

  @Test
  void invalidOrUnsupportedSettingsNameTheirPath() {
    assertEquals("compressor_library.typed_config.chunk_size",
        compressorError(Codecs.GZIP, "\"chunk_size\": 100").path());
    assertEquals("compressor_library.typed_config.memory_level",
        compressorError(Codecs.GZIP, "\"memory_level\": 10").path());
    ConfigException rle = compressorError(Codecs.GZIP, "\"compression_strategy\": \"RLE\"");
    assertEquals("compressor_library.typed_config.compression_strategy", rle.path());
    assertTrue(rle.getMessage().contains("RLE"), rle.getMessage());
    assertEquals("compressor_library.typed_config.quality", compressorError(Codecs.BROTLI, "\"quality\": 12").path());
    assertEquals("compressor_library.typed_config.dictionary",
        compressorError(Codecs.ZSTD, "\"dictionary\": {\"inline_string\": \"abc\"}").path());
    assertEquals("decompressor_library.typed_config.max_inflate_ratio", assertThrows(ConfigException.class,
        () -> CompressionLibraries.decompressor(Codecs.GZIP.decompressorRef("\"max_inflate_ratio\": 2000"),
            "decompressor_library", harness.ctx)).path());
  }

  @Test
  void referencesNameTheRightKindOfLibrary() {
    TypedExtensionConfig decompressorAsCompressor = Codecs.GZIP.decompressorRef("");
    ConfigException e = assertThrows(ConfigException.class, () -> CompressionLibraries.compressor(
        decompressorAsCompressor, "compressor_library", harness.ctx));
    assertEquals("compressor_library.typed_config", e.path());
    assertTrue(e.getMessage().contains("is a decompressor library"), e.getMessage());

    TypedExtensionConfig unknown = TypedExtensionConfig.newBuilder().setName("x").setTypedConfig(
        FilterHarness.any("{\"@type\": \"type.googleapis.com/google.protobuf.Empty\"}")).build();
    e = assertThrows(ConfigException.class, () -> CompressionLibraries.compressor(unknown, "compressor_library",
        harness.ctx));
    assertTrue(e.getMessage().contains("unsupported compressor library 'x' with type URL "
        + "type.googleapis.com/google.protobuf.Empty"), e.getMessage());

    TypedExtensionConfig unnamed = TypedExtensionConfig.newBuilder().setTypedConfig(
        Codecs.GZIP.compressorRef("").getTypedConfig()).build();
    assertEquals("compressor_library.name", assertThrows(ConfigException.class,
        () -> CompressionLibraries.compressor(unnamed, "compressor_library", harness.ctx)).path());
  }
}
