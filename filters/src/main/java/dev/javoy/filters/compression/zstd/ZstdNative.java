package dev.javoy.filters.compression.zstd;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import com.github.luben.zstd.util.Native;
import dev.javoy.proxy.config.ConfigException;

/** The zstd native library (zstd-jni's {@code libzstd-jni}), which the zstd libraries cannot work without. */
final class ZstdNative {
  private ZstdNative() {}

  /** Fails config with a message naming the library when its native part does not load on this machine. */
  static void require(String what) throws ConfigException {
    try {
      Native.load();
    } catch (LinkageError | RuntimeException e) {
      throw new ConfigException(null, what + " needs the native zstd library of zstd-jni (com.github.luben:zstd-jni"
          + " for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
          + "), which could not be loaded: " + e, e);
    }
  }

  /** zstd's {@code ZSTD_CStreamOutSize()}, Envoy's default compressor chunk size. */
  static int compressorChunkSize() {
    return (int) ZstdOutputStreamNoFinalizer.recommendedCOutSize();
  }

  /** zstd's {@code ZSTD_DStreamOutSize()}, Envoy's default decompressor chunk size. */
  static int decompressorChunkSize() {
    return (int) ZstdInputStreamNoFinalizer.recommendedDOutSize();
  }
}
