package dev.javoy.proxy.http.localreply;

import dev.javoy.proxy.accesslog.filter.AccessLogFilter;
import dev.javoy.proxy.accesslog.filter.AccessLogFilters;
import dev.javoy.proxy.accesslog.format.DataSources;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code local_reply_config.mappers} entry: when its filter passes, it may replace the status code and the
 * body, add headers, and choose its own body format.
 *
 * @param statusCode the replacement status, or 0 to keep it
 * @param body the replacement body, or null to keep it
 * @param bodyFormat the body format override, or null
 */
record ResponseMapper(AccessLogFilter filter, int statusCode, String body, SubstitutionFormatter bodyFormat,
    List<HeaderAddition> headers) {

  /** @param path JSON path of the mapper, for errors */
  static ResponseMapper of(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper m,
      String path) throws ConfigException {
    if (!m.hasFilter()) {
      throw new ConfigException(path + ".filter", "a response mapper needs a filter");
    }
    AccessLogFilter filter = AccessLogFilters.build(m.getFilter(), path + ".filter");
    int status = 0;
    if (m.hasStatusCode()) {
      status = m.getStatusCode().getValue();
      if (status < 200 || status >= 600) {
        throw new ConfigException(path + ".status_code", "must be in [200, 600), got " + status);
      }
    }
    String body = m.hasBody() ? DataSources.readString(m.getBody(), path + ".body") : null;
    SubstitutionFormatter format = m.hasBodyFormatOverride()
        ? SubstitutionFormatStrings.create(m.getBodyFormatOverride(), path + ".body_format_override") : null;
    List<HeaderAddition> headers = new ArrayList<>();
    for (int i = 0; i < m.getHeadersToAddCount(); i++) {
      headers.add(HeaderAddition.of(m.getHeadersToAdd(i), path + ".headers_to_add[" + i + "]"));
    }
    return new ResponseMapper(filter, status, body, format, List.copyOf(headers));
  }

  /** The headers this mapper adds for {@code info}. */
  List<Map.Entry<String, String>> evaluateHeaders(StreamInfo info) {
    if (headers.isEmpty()) {
      return List.of();
    }
    List<Map.Entry<String, String>> out = new ArrayList<>(headers.size());
    for (HeaderAddition h : headers) {
      h.applyTo(out, info);
    }
    return out;
  }
}
