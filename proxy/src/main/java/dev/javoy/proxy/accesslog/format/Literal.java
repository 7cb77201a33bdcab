package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;

/** Plain text of a format string, or a value fixed at config time (such as {@code %ENVIRONMENT(X)%}). */
public record Literal(String text) implements FormatCommand {
  @Override
  public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
    out.append(text);
    return true;
  }
}
