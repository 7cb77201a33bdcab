package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an Envoy {@code DataSource} (inline string or bytes, file, environment variable) at config time. */
public final class DataSources {
  private DataSources() {}

  /** The bytes of {@code source}; {@code path} is its JSON path, for errors. */
  public static byte[] readBytes(DataSource source, String path) throws ConfigException {
    switch (source.getSpecifierCase()) {
      case INLINE_STRING:
        return source.getInlineString().getBytes(StandardCharsets.UTF_8);
      case INLINE_BYTES:
        return source.getInlineBytes().toByteArray();
      case FILENAME:
        try {
          return Files.readAllBytes(Path.of(source.getFilename()));
        } catch (IOException | RuntimeException e) {
          throw new ConfigException(path + ".filename", "unable to read file '" + source.getFilename() + "': "
              + e.getMessage(), e);
        }
      case ENVIRONMENT_VARIABLE: {
        String value = System.getenv(source.getEnvironmentVariable());
        if (value == null) {
          throw new ConfigException(path + ".environment_variable",
              "environment variable '" + source.getEnvironmentVariable() + "' does not exist");
        }
        return value.getBytes(StandardCharsets.UTF_8);
      }
      default:
        throw new ConfigException(path, "a data source needs one of inline_string, inline_bytes, filename or "
            + "environment_variable");
    }
  }

  /** {@link #readBytes} as UTF-8 text. */
  public static String readString(DataSource source, String path) throws ConfigException {
    if (source.getSpecifierCase() == DataSource.SpecifierCase.INLINE_STRING) {
      return source.getInlineString();
    }
    return new String(readBytes(source, path), StandardCharsets.UTF_8);
  }
}
