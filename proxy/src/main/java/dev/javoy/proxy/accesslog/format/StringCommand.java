package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;
import java.util.function.Function;

/** A command whose value is a string of the stream; null or empty is "not available". */
final class StringCommand implements FormatCommand {
  private final Function<StreamInfo, String> value;

  StringCommand(Function<StreamInfo, String> value) {
    this.value = value;
  }

  @Override
  public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
    String v = value.apply(info);
    if (v == null || v.isEmpty()) {
      return false;
    }
    out.append(v);
    return true;
  }
}
