package dev.javoy.filters.http.local_ratelimit;

import dev.javoy.proxy.accesslog.format.FormatParser;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.accesslog.format.TextFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A compiled list of {@code HeaderValueOption}s (Envoy's {@code HeaderParser}): values may hold command operators,
 * and each entry appends, adds if absent or overwrites as its {@code append}/{@code append_action} says. A value
 * that formats to nothing is skipped unless {@code keep_empty_value}.
 */
final class HeaderAdditions {
  static final HeaderAdditions NONE = new HeaderAdditions(List.of());
  private static final Set<String> FIELDS = Set.of("header", "append", "append_action", "keep_empty_value");

  private record Entry(String name, SubstitutionFormatter value, HeaderAppendAction action, boolean keepEmpty) {}

  private final List<Entry> entries;

  private HeaderAdditions(List<Entry> entries) {
    this.entries = entries;
  }

  /** @param path JSON path of the list field */
  static HeaderAdditions of(List<HeaderValueOption> options, String path, int maxItems) throws ConfigException {
    if (options.size() > maxItems) {
      throw new ConfigException(path, "value must contain no more than " + maxItems + " item(s)");
    }
    List<Entry> out = new ArrayList<>(options.size());
    for (int i = 0; i < options.size(); i++) {
      out.add(entry(options.get(i), path + "[" + i + "]"));
    }
    return out.isEmpty() ? NONE : new HeaderAdditions(List.copyOf(out));
  }

  private static Entry entry(HeaderValueOption o, String path) throws ConfigException {
    FieldSupport.check(o, path, FIELDS);
    String name = o.getHeader().getKey().toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw new ConfigException(path + ".header.key", "value length must be at least 1 characters");
    }
    if (name.startsWith(":") || name.equals("host")) {
      throw new ConfigException(path + ".header.key", "':'-prefixed or host headers may not be modified");
    }
    if (o.getAppendAction() == HeaderAppendAction.UNRECOGNIZED) {
      throw new ConfigException(path + ".append_action", "unknown append action");
    }
    if (o.hasAppend() && o.getAppendAction() != HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
      throw new ConfigException(path, "append and append_action are mutually exclusive");
    }
    HeaderAppendAction action = !o.hasAppend() ? o.getAppendAction()
        : o.getAppend().getValue() ? HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
            : HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
    String raw = o.getHeader().getValue().isEmpty() && !o.getHeader().getRawValue().isEmpty()
        ? o.getHeader().getRawValue().toString(StandardCharsets.UTF_8)
        : o.getHeader().getValue();
    SubstitutionFormatter value = new TextFormatter(FormatParser.parse(raw, path + ".header.value"), true,
        SubstitutionFormatStrings.TEXT_PLAIN);
    return new Entry(name, value, action, o.getKeepEmptyValue());
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Applies every entry to {@code headers}, formatting values for {@code info}. */
  void applyTo(HttpHeaders headers, StreamInfo info) {
    for (Entry e : entries) {
      String v = e.value().format(info, "");
      if (v.isEmpty() && !e.keepEmpty()) {
        continue;
      }
      boolean exists = headers.contains(e.name());
      switch (e.action()) {
        case ADD_IF_ABSENT -> {
          if (!exists) {
            headers.add(e.name(), v);
          }
        }
        case OVERWRITE_IF_EXISTS -> {
          if (exists) {
            headers.set(e.name(), v);
          }
        }
        case OVERWRITE_IF_EXISTS_OR_ADD -> headers.set(e.name(), v);
        default -> headers.add(e.name(), v);
      }
    }
  }
}
