package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;

/** A command limited to {@code maxLength} characters ({@code %REQ(X):Z%}). */
record Truncated(FormatCommand inner, int maxLength) implements FormatCommand {
  @Override
  public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
    int start = out.length();
    if (!inner.append(out, info, localReplyBody)) {
      return false;
    }
    if (out.length() - start > maxLength) {
      out.setLength(start + maxLength);
    }
    return true;
  }

  @Override
  public boolean numeric() {
    return inner.numeric();
  }
}
