package dev.javoy.proxy.accesslog.format;

import com.google.protobuf.Struct;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.TypedConfigs;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery;

/**
 * Builds formatters from config: Envoy's {@code SubstitutionFormatString} ({@code text_format},
 * {@code text_format_source}, {@code json_format}, {@code omit_empty_values}, {@code content_type},
 * {@code formatters}), plain format strings, and Envoy's default access log format.
 */
public final class SubstitutionFormatStrings {
  /** Envoy's access log format when none is configured. */
  public static final String DEFAULT_FORMAT =
      "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
          + "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
          + "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "
          + "\"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" "
          + "\"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

  public static final String TEXT_PLAIN = "text/plain";
  public static final String APPLICATION_JSON = "application/json";

  private static final String REQ_WITHOUT_QUERY_TYPE =
      "type.googleapis.com/" + ReqWithoutQuery.getDescriptor().getFullName();

  private static final SubstitutionFormatter DEFAULT;

  static {
    try {
      DEFAULT = text(DEFAULT_FORMAT, false, TEXT_PLAIN, "default format");
    } catch (ConfigException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private SubstitutionFormatStrings() {}

  /** The formatter of Envoy's default access log format. */
  public static SubstitutionFormatter defaultFormatter() {
    return DEFAULT;
  }

  /** A text formatter without omit_empty_values, content type text/plain. */
  public static SubstitutionFormatter text(String format, String path) throws ConfigException {
    return text(format, false, TEXT_PLAIN, path);
  }

  public static SubstitutionFormatter text(String format, boolean omitEmptyValues, String contentType, String path)
      throws ConfigException {
    return new TextFormatter(FormatParser.parse(format, path), omitEmptyValues, contentType);
  }

  public static SubstitutionFormatter json(Struct format, boolean omitEmptyValues, String contentType, String path)
      throws ConfigException {
    return JsonFormatter.create(format, omitEmptyValues, contentType, path);
  }

  /**
   * @param path JSON path of the {@code SubstitutionFormatString}, for errors
   */
  public static SubstitutionFormatter create(SubstitutionFormatString config, String path)
      throws ConfigException {
    checkFormatters(config, path);
    boolean omit = config.getOmitEmptyValues();
    String contentType = config.getContentType();
    switch (config.getFormatCase()) {
      case TEXT_FORMAT:
        return text(config.getTextFormat(), omit, orDefault(contentType, TEXT_PLAIN), path + ".text_format");
      case TEXT_FORMAT_SOURCE: {
        String p = path + ".text_format_source";
        return text(DataSources.readString(config.getTextFormatSource(), p), omit,
            orDefault(contentType, TEXT_PLAIN), p);
      }
      case JSON_FORMAT:
        return json(config.getJsonFormat(), omit, orDefault(contentType, APPLICATION_JSON), path + ".json_format");
      default:
        throw new ConfigException(path, "one of text_format, text_format_source or json_format is required");
    }
  }

  /**
   * Formatter extensions: javoy has {@code envoy.formatter.req_without_query} built in, so naming it is
   * accepted; any other extension is rejected.
   */
  private static void checkFormatters(SubstitutionFormatString config, String path) throws ConfigException {
    for (int i = 0; i < config.getFormattersCount(); i++) {
      TypedExtensionConfig f = config.getFormatters(i);
      String p = path + ".formatters[" + i + "]";
      String typeUrl = f.hasTypedConfig() ? TypedConfigs.typeUrlOf(f.getTypedConfig(), p + ".typed_config") : "";
      if (typeUrl.equals(REQ_WITHOUT_QUERY_TYPE)
          || (typeUrl.isEmpty() && f.getName().equals("envoy.formatter.req_without_query"))) {
        continue;
      }
      throw new ConfigException(p, "unsupported formatter extension '" + f.getName() + "'"
          + (typeUrl.isEmpty() ? "" : " (" + typeUrl + ")"));
    }
  }

  private static String orDefault(String s, String dflt) {
    return s.isEmpty() ? dflt : s;
  }
}
