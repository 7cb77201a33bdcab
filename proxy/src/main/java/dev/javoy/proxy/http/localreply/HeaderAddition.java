package dev.javoy.proxy.http.localreply;

import dev.javoy.proxy.accesslog.format.FormatParser;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.accesslog.format.TextFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code headers_to_add} entry ({@code HeaderValueOption}): a header whose value may hold command
 * operators (missing values print as nothing), and how it combines with headers of the same name. A value
 * that formats to nothing is not added unless {@code keep_empty_value}.
 */
record HeaderAddition(String name, SubstitutionFormatter value, HeaderAppendAction action, boolean keepEmpty) {

  /** @param path JSON path of the option, for errors */
  static HeaderAddition of(HeaderValueOption o, String path) throws ConfigException {
    String name = o.getHeader().getKey().toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw new ConfigException(path + ".header.key", "header name must not be empty");
    }
    if (name.startsWith(":") || name.equals("host")) {
      throw new ConfigException(path + ".header.key", "':'-prefixed or host headers may not be modified");
    }
    if (o.hasAppend() && o.getAppendAction() != HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
      throw new ConfigException(path, "append and append_action must not both be set");
    }
    if (o.getAppendAction() == HeaderAppendAction.UNRECOGNIZED) {
      throw new ConfigException(path + ".append_action", "unknown append action");
    }
    HeaderAppendAction action = o.hasAppend()
        ? (o.getAppend().getValue() ? HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
            : HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        : o.getAppendAction();
    String raw = o.getHeader().getValue().isEmpty() && !o.getHeader().getRawValue().isEmpty()
        ? o.getHeader().getRawValue().toString(StandardCharsets.UTF_8)
        : o.getHeader().getValue();
    SubstitutionFormatter value = new TextFormatter(FormatParser.parse(raw, path + ".header.value"), true,
        SubstitutionFormatStrings.TEXT_PLAIN);
    return new HeaderAddition(name, value, action, o.getKeepEmptyValue());
  }

  /** Evaluates the value for {@code info} and applies it to {@code headers} as the append action says. */
  void applyTo(List<Map.Entry<String, String>> headers, StreamInfo info) {
    String v = value.format(info, "");
    if (v.isEmpty() && !keepEmpty) {
      return;
    }
    boolean exists = headers.stream().anyMatch(e -> e.getKey().equals(name));
    switch (action) {
      case ADD_IF_ABSENT:
        if (exists) {
          return;
        }
        break;
      case OVERWRITE_IF_EXISTS:
        if (!exists) {
          return;
        }
        headers.removeIf(e -> e.getKey().equals(name));
        break;
      case OVERWRITE_IF_EXISTS_OR_ADD:
        headers.removeIf(e -> e.getKey().equals(name));
        break;
      default:
        break;
    }
    headers.add(Map.entry(name, v));
  }
}
