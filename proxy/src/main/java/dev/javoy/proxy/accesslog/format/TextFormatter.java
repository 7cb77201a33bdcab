package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;
import java.util.List;

/** A text format: each command's value, or {@code -} (or nothing with omit_empty_values) when absent. */
public final class TextFormatter implements SubstitutionFormatter {
  private final FormatCommand[] commands;
  private final boolean omitEmptyValues;
  private final String contentType;

  public TextFormatter(List<FormatCommand> commands, boolean omitEmptyValues, String contentType) {
    this.commands = commands.toArray(new FormatCommand[0]);
    this.omitEmptyValues = omitEmptyValues;
    this.contentType = contentType;
  }

  @Override
  public void format(StreamInfo info, String localReplyBody, StringBuilder out) {
    for (FormatCommand c : commands) {
      if (!c.append(out, info, localReplyBody) && !omitEmptyValues) {
        out.append('-');
      }
    }
  }

  @Override
  public String contentType() {
    return contentType;
  }
}
