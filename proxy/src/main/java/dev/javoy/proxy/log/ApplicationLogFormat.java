package dev.javoy.proxy.log;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig.LogFormat;

/**
 * The log line format the bootstrap's {@code application_log_config.log_format} asks for: {@code text_format} is a
 * spdlog pattern as {@code --log-format}; {@code json_format} is a JSON object whose string values are patterns
 * (the message goes in as {@code %j}, JSON-escaped). As in Envoy, it may not be combined with {@code --log-format}.
 */
public final class ApplicationLogFormat {
  static final String PATH = "application_log_config.log_format";

  private ApplicationLogFormat() {}

  /**
   * The pattern to log with.
   *
   * @param cliFormat {@code --log-format}, or null when not given
   * @return the bootstrap's format, else {@code cliFormat}, else {@link SpdlogFormatter#DEFAULT_FORMAT}
   */
  public static String choose(String cliFormat, Bootstrap bootstrap) throws ConfigException {
    boolean inBootstrap = bootstrap.hasApplicationLogConfig() && bootstrap.getApplicationLogConfig().hasLogFormat();
    if (inBootstrap && cliFormat != null) {
      throw new ConfigException(PATH,
          "only one of application_log_config.log_format and the --log-format option may be given");
    }
    if (inBootstrap) {
      return pattern(bootstrap.getApplicationLogConfig().getLogFormat());
    }
    return cliFormat != null ? cliFormat : SpdlogFormatter.DEFAULT_FORMAT;
  }

  /** The spdlog pattern of {@code format}. */
  public static String pattern(LogFormat format) throws ConfigException {
    switch (format.getLogFormatCase()) {
      case TEXT_FORMAT -> {
        return format.getTextFormat();
      }
      case JSON_FORMAT -> {
        String json;
        try {
          json = dev.javoy.proxy.config.DynamicJson.print(JsonFormat.printer().omittingInsignificantWhitespace(),
              format.getJsonFormat());
        } catch (InvalidProtocolBufferException e) {
          throw new ConfigException(PATH + ".json_format", e.getMessage(), e);
        }
        for (String flag : new String[] {"%v", "%_"}) {
          if (json.contains(flag)) {
            throw new ConfigException(PATH + ".json_format",
                "usage of " + flag + " is unavailable for JSON log formats (use %j)");
          }
        }
        return json;
      }
      default -> {
        return SpdlogFormatter.DEFAULT_FORMAT;
      }
    }
  }
}
