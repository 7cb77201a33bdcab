package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.FilterState;
import dev.javoy.proxy.stream.StreamInfo;
import java.util.Map;

/**
 * {@code %FILTER_STATE(KEY:F):Z%}: an object a filter left in the stream's filter state, such as the gRPC stats
 * filter's {@code envoy.filters.http.grpc_stats}. {@code F} is {@code TYPED} (the default: the object's protobuf
 * form as JSON) or {@code PLAIN} (its text); objects that cannot print themselves, and {@code FIELD}, are "not
 * available".
 */
final class FilterStateCommand implements FormatCommand {
  private final String key;
  private final boolean plain;

  private FilterStateCommand(String key, boolean plain) {
    this.key = key;
    this.plain = plain;
  }

  static void register(Map<String, CommandSpec> m) {
    m.put("FILTER_STATE", new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH, FilterStateCommand::create));
  }

  static FormatCommand create(String param, String path) throws ConfigException {
    String[] parts = param.split(":", -1);
    if (parts[0].isEmpty() || parts.length > 2) {
      throw new ConfigException(path, "%FILTER_STATE(" + param + ")%: expected KEY, KEY:PLAIN or KEY:TYPED"
          + (parts.length > 2 ? " (FIELD is not supported by javoy)" : ""));
    }
    String format = parts.length == 2 ? parts[1] : "TYPED";
    if (!format.equals("TYPED") && !format.equals("PLAIN")) {
      throw new ConfigException(path, "%FILTER_STATE(" + param + ")%: invalid format '" + format
          + "', expected PLAIN or TYPED");
    }
    return new FilterStateCommand(parts[0], format.equals("PLAIN"));
  }

  @Override
  public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
    FilterState fs = info.filterStateOrNull();
    Object o = fs == null ? null : fs.get(key);
    if (!(o instanceof FilterState.Printable p)) {
      return false;
    }
    String v = plain ? p.plain() : p.typedJson();
    if (v == null) {
      return false;
    }
    out.append(v);
    return true;
  }
}
