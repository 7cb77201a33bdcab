package dev.javoy.filters.compression;

/** Comma-separated header values ({@code cache-control}, {@code transfer-encoding}, {@code vary}, ...). */
public final class HeaderTokens {
  private HeaderTokens() {}

  /** Whether {@code value} lists {@code token}, ignoring case and spaces around the items. */
  public static boolean contains(String value, String token) {
    if (value == null) {
      return false;
    }
    int start = 0;
    while (start <= value.length()) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? value.length() : comma;
      if (value.substring(start, end).trim().equalsIgnoreCase(token)) {
        return true;
      }
      if (comma < 0) {
        return false;
      }
      start = comma + 1;
    }
    return false;
  }

  /** The first item of a comma-separated value, trimmed. */
  public static String first(String value) {
    int comma = value.indexOf(',');
    return (comma < 0 ? value : value.substring(0, comma)).trim();
  }

  /** Everything after the first item, trimmed ("" when there is one item only). */
  public static String afterFirst(String value) {
    int comma = value.indexOf(',');
    return comma < 0 ? "" : value.substring(comma + 1).trim();
  }

  /** The media type of a {@code content-type} value: the part before any {@code ;}, trimmed. */
  public static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
  }
}
