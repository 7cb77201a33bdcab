package dev.javoy.filters.compression;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The three codecs with reference encoders and decoders from their own libraries, and test bodies. */
public enum Codecs {
  GZIP("gzip", "type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip",
      "type.googleapis.com/envoy.extensions.compression.gzip.decompressor.v3.Gzip"),
  BROTLI("br", "type.googleapis.com/envoy.extensions.compression.brotli.compressor.v3.Brotli",
      "type.googleapis.com/envoy.extensions.compression.brotli.decompressor.v3.Brotli"),
  ZSTD("zstd", "type.googleapis.com/envoy.extensions.compression.zstd.compressor.v3.Zstd",
      "type.googleapis.com/envoy.extensions.compression.zstd.decompressor.v3.Zstd");

  static {
    com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability(); // the reference coders use it directly
  }

  public final String encoding;
  public final String compressorType;
  public final String decompressorType;

  Codecs(String encoding, String compressorType, String decompressorType) {
    this.encoding = encoding;
    this.compressorType = compressorType;
    this.decompressorType = decompressorType;
  }

  /** A {@code compressor_library} reference with extra JSON fields for the library's config. */
  public TypedExtensionConfig compressorRef(String fields) {
    return TypedExtensionConfig.newBuilder().setName("lib").setTypedConfig(FilterHarness.any(
        "{\"@type\": \"" + compressorType + "\"" + (fields.isEmpty() ? "" : ", " + fields) + "}")).build();
  }

  public TypedExtensionConfig decompressorRef(String fields) {
    return TypedExtensionConfig.newBuilder().setName("lib").setTypedConfig(FilterHarness.any(
        "{\"@type\": \"" + decompressorType + "\"" + (fields.isEmpty() ? "" : ", " + fields) + "}")).build();
  }

  /** Compressed by the library's own reference encoder, in one go. */
  public byte[] referenceCompress(byte[] data) {
    try {
      switch (this) {
        case GZIP -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
          }
          return out.toByteArray();
        }
        case BROTLI -> {
          return Encoder.compress(data);
        }
        default -> {
          return Zstd.compress(data);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decoded by the library's own reference decoder; fails on a truncated or corrupt stream. */
  public byte[] referenceDecompress(byte[] data) {
    try {
      switch (this) {
        case GZIP -> {
          try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
          }
        }
        case BROTLI -> {
          DirectDecompress d = Decoder.decompress(data);
          if (d.getResultStatus() != DecoderJNI.Status.DONE) {
            throw new IOException("brotli decoding ended with " + d.getResultStatus());
          }
          return d.getDecompressedData();
        }
        default -> {
          try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text-like data: words from a small vocabulary, compressible but not trivially. */
  public static byte[] text(int size, long seed) {
    String[] words = {"envoy", "javoy", "proxy", "listener", "cluster", "route", "filter", "gzip", "brotli", "zstd",
        "stream", "chunk", "header", "body", "upstream", "downstream", "the", "a", "of", "to", "and", "is"};
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(size + 16);
    while (sb.length() < size) {
      sb.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? ".\n" : " ");
      if (r.nextInt(50) == 0) {
        sb.append(r.nextLong()).append(' ');
      }
    }
    return sb.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
