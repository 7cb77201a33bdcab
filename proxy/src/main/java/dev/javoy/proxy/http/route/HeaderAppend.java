package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.format.FormatBuffers;
import dev.javoy.proxy.accesslog.format.FormatCommand;
import dev.javoy.proxy.accesslog.format.FormatParser;
import dev.javoy.proxy.accesslog.format.Literal;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.TextFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One compiled {@code HeaderValueOption} of a {@code *_headers_to_add} list: the lower-cased name, the value
 * (a constant, or a format with command operators parsed once; operators without a value print nothing), the
 * append action, and {@code keep_empty_value}.
 */
final class HeaderAppend {
  final AsciiString name;
  final HeaderAppendAction action;
  final boolean keepEmpty;
  private final String constant; // null when the value has command operators
  private final TextFormatter format;

  private HeaderAppend(AsciiString name, HeaderAppendAction action, boolean keepEmpty, String constant,
      TextFormatter format) {
    this.name = name;
    this.action = action;
    this.keepEmpty = keepEmpty;
    this.constant = constant;
    this.format = format;
  }

  /** @param path JSON path of the option, for errors */
  static HeaderAppend of(HeaderValueOption o, String path) throws ConfigException {
    FieldSupport.check(o, path, Set.of("header", "append", "append_action", "keep_empty_value"));
    FieldSupport.check(o.getHeader(), path + ".header", Set.of("key", "value", "raw_value"));
    String key = o.getHeader().getKey();
    HeaderMutation.checkModifiable(key, path + ".header.key", "modified");
    if (o.hasAppend() && o.getAppendAction() != HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
      throw new ConfigException(path, "both append and append_action are set and it's not allowed");
    }
    if (o.getAppendAction() == HeaderAppendAction.UNRECOGNIZED) {
      throw new ConfigException(path + ".append_action", "unknown append action");
    }
    HeaderAppendAction action = o.hasAppend()
        ? (o.getAppend().getValue() ? HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
            : HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        : o.getAppendAction();
    String raw = o.getHeader().getRawValue().isEmpty() ? o.getHeader().getValue()
        : o.getHeader().getRawValue().toString(StandardCharsets.UTF_8);
    List<FormatCommand> commands = FormatParser.parse(raw, path + ".header.value");
    StringBuilder constant = new StringBuilder();
    for (FormatCommand c : commands) {
      if (!(c instanceof Literal l)) {
        constant = null;
        break;
      }
      constant.append(l.text());
    }
    AsciiString name = AsciiString.cached(key.toLowerCase(Locale.ROOT));
    return constant != null
        ? new HeaderAppend(name, action, o.getKeepEmptyValue(), constant.toString(), null)
        : new HeaderAppend(name, action, o.getKeepEmptyValue(), null,
            new TextFormatter(commands, true, SubstitutionFormatStrings.TEXT_PLAIN));
  }

  /** The value for this stream; "" when every operator was empty. */
  String value(StreamInfo info) {
    if (constant != null) {
      return constant;
    }
    StringBuilder sb = FormatBuffers.builder();
    format.format(info, "", sb);
    return sb.toString();
  }
}
