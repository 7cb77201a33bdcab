package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;
import java.util.function.ToLongFunction;

/** A command whose value is an integer: printed as digits, typed as a JSON number. */
final class NumberCommand implements FormatCommand {
  /** What the value function returns when the value is not available. */
  static final long MISSING = Long.MIN_VALUE;

  private final ToLongFunction<StreamInfo> value;

  NumberCommand(ToLongFunction<StreamInfo> value) {
    this.value = value;
  }

  @Override
  public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
    long v = value.applyAsLong(info);
    if (v == MISSING) {
      return false;
    }
    out.append(v);
    return true;
  }

  @Override
  public boolean numeric() {
    return true;
  }
}
