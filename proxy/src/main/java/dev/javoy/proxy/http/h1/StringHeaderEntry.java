package dev.javoy.proxy.http.h1;

import java.util.Map;

/** A header entry seen through {@code HttpHeaders.iterator()}'s String view; writes go through to the entry. */
final class StringHeaderEntry implements Map.Entry<String, String> {
  private final Map.Entry<CharSequence, CharSequence> e;

  StringHeaderEntry(Map.Entry<CharSequence, CharSequence> e) {
    this.e = e;
  }

  @Override
  public String getKey() {
    return e.getKey().toString();
  }

  @Override
  public String getValue() {
    return e.getValue().toString();
  }

  @Override
  public String setValue(String value) {
    return e.setValue(value).toString();
  }

  @Override
  public String toString() {
    return e.toString();
  }
}
