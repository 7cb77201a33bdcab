package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import java.util.Map;

/**
 * {@code %START_TIME%}, {@code %START_TIME(<strftime>)%}, {@code %START_TIME_LOCAL%}, {@code %EMIT_TIME%} and
 * {@code %EMIT_TIME_LOCAL%}. Without a format, the time prints as Envoy's {@code 2016-04-15T20:17:00.310Z}.
 * Start times have millisecond precision ({@link StreamInfo#startTimeEpochMillis}).
 */
final class TimeCommands {
  static final String DEFAULT_UTC = "%Y-%m-%dT%H:%M:%E3SZ";
  static final String DEFAULT_LOCAL = "%Y-%m-%dT%H:%M:%E3S%z";

  private TimeCommands() {}

  static void register(Map<String, CommandSpec> m) {
    m.put("START_TIME", spec(false, false));
    m.put("START_TIME_LOCAL", spec(false, true));
    m.put("EMIT_TIME", spec(true, false));
    m.put("EMIT_TIME_LOCAL", spec(true, true));
  }

  private static CommandSpec spec(boolean emit, boolean local) {
    return new CommandSpec(CommandSyntax.PARAMS_OPTIONAL, (param, path) -> {
      String pattern = param.isEmpty() ? (local ? DEFAULT_LOCAL : DEFAULT_UTC) : param;
      try {
        return new TimeCommand(StrftimeFormat.compile(pattern, local), emit);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path, "invalid time format '" + param + "': " + e.getMessage());
      }
    });
  }

  private record TimeCommand(StrftimeFormat format, boolean emit) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      long millis = emit ? LoopClock.currentTimeMillis() : info.startTimeEpochMillis;
      format.format(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000, out);
      return true;
    }
  }
}
