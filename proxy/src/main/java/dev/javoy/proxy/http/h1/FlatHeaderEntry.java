package dev.javoy.proxy.http.h1;

import java.util.Map;

/**
 * A header of a {@link FlatHttpHeaders} seen through its iterator; {@link #setValue} writes through to the map while
 * the header is still at its index (the same name and value instances), else only to the entry.
 */
final class FlatHeaderEntry implements Map.Entry<CharSequence, CharSequence> {
  private final FlatHttpHeaders h;
  private final int index;
  private final CharSequence name;
  private CharSequence value;

  FlatHeaderEntry(FlatHttpHeaders h, int index, CharSequence name, CharSequence value) {
    this.h = h;
    this.index = index;
    this.name = name;
    this.value = value;
  }

  @Override
  public CharSequence getKey() {
    return name;
  }

  @Override
  public CharSequence getValue() {
    return value;
  }

  @Override
  public CharSequence setValue(CharSequence v) {
    CharSequence nv = h.convertedValue(v);
    CharSequence old = value;
    if (index < h.size() && h.nameAt(index) == name && h.rawValue(index) == old) {
      h.setValueAt(index, nv);
    }
    value = nv;
    return old;
  }

  @Override
  public String toString() {
    return name + "=" + value;
  }
}
