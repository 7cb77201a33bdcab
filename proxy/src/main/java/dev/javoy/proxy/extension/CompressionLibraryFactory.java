package dev.javoy.proxy.extension;

/**
 * Categories {@code envoy.compression.compressor} and {@code envoy.compression.decompressor}: the compression
 * libraries (gzip, brotli, zstd) that a compressor filter names in {@code compressor_library} and a
 * decompressor filter in {@code decompressor_library}. Compressor and decompressor configs have distinct type
 * URLs, so one category holds both; the filters module gives the factories their typed build methods and
 * checks that a reference names the right kind.
 */
public interface CompressionLibraryFactory extends ExtensionFactory {}
