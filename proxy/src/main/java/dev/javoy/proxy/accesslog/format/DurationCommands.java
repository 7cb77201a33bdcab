package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The duration commands, in whole milliseconds from the start of the stream: {@code %DURATION%},
 * {@code %REQUEST_DURATION%}, {@code %REQUEST_TX_DURATION%}, {@code %RESPONSE_DURATION%},
 * {@code %RESPONSE_TX_DURATION%}, and {@code %COMMON_DURATION(START:END:PRECISION)%}.
 */
final class DurationCommands {
  private DurationCommands() {}

  static void register(Map<String, CommandSpec> m) {
    m.put("DURATION", millis(StreamInfo::durationNanos));
    m.put("REQUEST_DURATION", millis(i -> i.sinceStart(i.lastDownstreamRxNanos)));
    m.put("REQUEST_TX_DURATION", millis(i -> i.sinceStart(i.lastUpstreamTxNanos)));
    m.put("RESPONSE_DURATION", millis(i -> i.sinceStart(i.firstUpstreamRxNanos)));
    m.put("RESPONSE_TX_DURATION", millis(i -> i.lastDownstreamTxNanos == 0 || i.firstUpstreamRxNanos == 0
        ? -1 : i.lastDownstreamTxNanos - i.firstUpstreamRxNanos));
    m.put("COMMON_DURATION", new CommandSpec(CommandSyntax.PARAMS_REQUIRED, DurationCommands::common));
  }

  /** @param nanos nanoseconds, negative when not available */
  private static CommandSpec millis(ToLongFunction<StreamInfo> nanos) {
    return CommandSpec.simple(new NumberCommand(i -> {
      long n = nanos.applyAsLong(i);
      return n < 0 ? NumberCommand.MISSING : TimeUnit.NANOSECONDS.toMillis(n);
    }));
  }

  private static FormatCommand common(String param, String path) throws ConfigException {
    String[] parts = param.split(":", -1);
    if (parts.length != 3) {
      throw new ConfigException(path, "COMMON_DURATION requires START:END:PRECISION, got '" + param + "'");
    }
    ToLongFunction<StreamInfo> start = timePoint(parts[0], path);
    ToLongFunction<StreamInfo> end = timePoint(parts[1], path);
    TimeUnit unit;
    switch (parts[2]) {
      case "ms":
        unit = TimeUnit.MILLISECONDS;
        break;
      case "us":
        unit = TimeUnit.MICROSECONDS;
        break;
      case "ns":
        unit = TimeUnit.NANOSECONDS;
        break;
      default:
        throw new ConfigException(path, "COMMON_DURATION precision must be ms, us or ns, got '" + parts[2] + "'");
    }
    return new NumberCommand(i -> {
      long s = start.applyAsLong(i);
      long e = end.applyAsLong(i);
      if (s == 0 || e == 0 || e < s) {
        return NumberCommand.MISSING;
      }
      return unit.convert(e - s, TimeUnit.NANOSECONDS);
    });
  }

  /** A time point as its nanoTime, 0 when it has not happened (or javoy does not track it). */
  private static ToLongFunction<StreamInfo> timePoint(String name, String path) throws ConfigException {
    switch (name) {
      case "DS_RX_BEG":
        return i -> i.startNanos;
      case "DS_RX_END":
        return i -> i.lastDownstreamRxNanos;
      case "US_TX_BEG":
        return i -> i.firstUpstreamTxNanos;
      case "US_TX_END":
        return i -> i.lastUpstreamTxNanos;
      case "US_RX_BEG":
        return i -> i.firstUpstreamRxNanos;
      case "US_RX_END":
        return i -> i.lastUpstreamRxNanos;
      case "DS_TX_BEG":
        return i -> i.firstDownstreamTxNanos;
      case "DS_TX_END":
        return i -> i.lastDownstreamTxNanos;
      case "US_CX_BEG":
      case "US_CX_END":
      case "US_HS_END":
      case "US_RX_BODY_BEG":
      case "DS_HS_END":
        return i -> 0;
      default:
        throw new ConfigException(path, "unknown COMMON_DURATION time point '" + name + "'");
    }
  }
}
