package dev.javoy.proxy.http.localreply;

import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The connection manager's {@code local_reply_config} (Envoy's {@code LocalReply}): rewrites every response
 * javoy generates itself. As Envoy, the status is recorded on the stream first (so {@code status_code_filter}
 * sees it), the first mapper whose filter passes applies (body, headers, status, body format), and the
 * body is then formatted by that mapper's {@code body_format_override}, else by {@code body_format}, else left
 * as it is ({@code text/plain}); {@code %LOCAL_REPLY_BODY%} is the body before formatting.
 */
public final class LocalReplyConfig {
  private final ResponseMapper[] mappers;
  private final SubstitutionFormatter bodyFormat; // null: body as is, text/plain

  private LocalReplyConfig(List<ResponseMapper> mappers, SubstitutionFormatter bodyFormat) {
    this.mappers = mappers.toArray(new ResponseMapper[0]);
    this.bodyFormat = bodyFormat;
  }

  /**
   * @param path JSON path of the {@code local_reply_config}, for errors
   * @param ctx the factory context (unused today; formatter extensions will need it)
   */
  public static LocalReplyConfig create(
      io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig proto,
      String path, FactoryContext ctx) throws ConfigException {
    List<ResponseMapper> mappers = new ArrayList<>();
    for (int i = 0; i < proto.getMappersCount(); i++) {
      mappers.add(ResponseMapper.of(proto.getMappers(i), path + ".mappers[" + i + "]"));
    }
    SubstitutionFormatter format = proto.hasBodyFormat()
        ? SubstitutionFormatStrings.create(proto.getBodyFormat(), path + ".body_format") : null;
    return new LocalReplyConfig(mappers, format);
  }

  /**
   * Rewrites a local reply. Sets {@code info.responseCode} to the code (and to a mapper's replacement).
   *
   * @param body the body the proxy would send, "" for none
   */
  public LocalReply rewrite(StreamInfo info, int code, String body) {
    info.responseCode = code;
    int status = code;
    String text = body == null ? "" : body;
    SubstitutionFormatter format = null;
    List<Map.Entry<String, String>> headers = List.of();
    for (ResponseMapper m : mappers) {
      if (!m.filter().evaluate(info)) {
        continue;
      }
      if (m.body() != null) {
        text = m.body();
      }
      headers = m.evaluateHeaders(info);
      if (m.statusCode() != 0 && m.statusCode() != status) {
        status = m.statusCode();
        info.responseCode = status;
      }
      format = m.bodyFormat();
      break;
    }
    if (format == null) {
      format = bodyFormat;
    }
    if (format == null) {
      return new LocalReply(status, text.getBytes(StandardCharsets.UTF_8), SubstitutionFormatStrings.TEXT_PLAIN,
          headers);
    }
    String formatted = format.format(info, text);
    return new LocalReply(status, formatted.getBytes(StandardCharsets.UTF_8), format.contentType(), headers);
  }
}
