package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;

/**
 * One pre-resolved piece of a format string (Envoy's {@code FormatterProvider}): literal text or a command
 * operator such as {@code %RESPONSE_CODE%}. Commands are built once at config time; formatting an entry only
 * appends to a reused builder.
 */
public interface FormatCommand {
  /**
   * Appends this command's value for {@code info}.
   *
   * @param localReplyBody the body of the local reply being formatted, or "" outside local replies
   * @return false, having appended nothing, when the value is not available (printed as {@code -} in text)
   */
  boolean append(StringBuilder out, StreamInfo info, String localReplyBody);

  /** Whether the value is a number, written unquoted in JSON formats (Envoy's typed values). */
  default boolean numeric() {
    return false;
  }
}
