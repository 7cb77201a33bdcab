package dev.javoy.filters.compression;

import com.google.protobuf.Any;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.extension.CompressionLibraryFactory;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;

/** Builds the library a filter's {@code compressor_library} / {@code decompressor_library} names. */
public final class CompressionLibraries {
  private CompressionLibraries() {}

  /** @param path JSON path of the {@code compressor_library} field */
  public static CompressorLibrary compressor(TypedExtensionConfig ref, String path, FactoryContext ctx)
      throws ConfigException {
    ExtensionResolver.Resolved<CompressionLibraryFactory> r = resolve(ref, path, ctx, "compressor");
    if (!(r.factory() instanceof CompressorLibraryFactory f)) {
      throw new ConfigException(path + ".typed_config", r.factory().typeUrl()
          + " is a decompressor library; compressor_library needs a compressor, such as "
          + "type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip");
    }
    try {
      return f.create(r.config(), ctx);
    } catch (ConfigException e) {
      throw e.under(path + ".typed_config");
    }
  }

  /** @param path JSON path of the {@code decompressor_library} field */
  public static DecompressorLibrary decompressor(TypedExtensionConfig ref, String path, FactoryContext ctx)
      throws ConfigException {
    ExtensionResolver.Resolved<CompressionLibraryFactory> r = resolve(ref, path, ctx, "decompressor");
    if (!(r.factory() instanceof DecompressorLibraryFactory f)) {
      throw new ConfigException(path + ".typed_config", r.factory().typeUrl()
          + " is a compressor library; decompressor_library needs a decompressor, such as "
          + "type.googleapis.com/envoy.extensions.compression.gzip.decompressor.v3.Gzip");
    }
    try {
      return f.create(r.config(), ctx);
    } catch (ConfigException e) {
      throw e.under(path + ".typed_config");
    }
  }

  private static ExtensionResolver.Resolved<CompressionLibraryFactory> resolve(
      TypedExtensionConfig ref, String path, FactoryContext ctx, String kind) throws ConfigException {
    if (ref.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "value length must be at least 1 characters");
    }
    if (!ref.hasTypedConfig()) {
      throw new ConfigException(path + ".typed_config", "value is required (the " + kind + " library's config)");
    }
    Any any = ref.getTypedConfig();
    String typeUrl = TypedConfigs.typeUrlOf(any, path + ".typed_config");
    if (ctx.extensions().registry().byTypeUrl(CompressionLibraryFactory.class, typeUrl) == null) {
      throw new ConfigException(path + ".typed_config", "unsupported " + kind + " library '" + ref.getName()
          + "' with type URL " + typeUrl + " (javoy has gzip, brotli and zstd)");
    }
    return ctx.extensions().resolve(CompressionLibraryFactory.class, path, ref.getName(), any);
  }
}
