package dev.javoy.proxy.http.h1;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code String} views {@code HttpHeaders} hands out: over a map's {@link CharSequence} iterators, and copies. */
final class StringHeaderViews {
  private StringHeaderViews() {}

  static Iterator<String> values(Iterator<? extends CharSequence> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public String next() {
        return it.next().toString();
      }

      @Override
      public void remove() {
        it.remove();
      }
    };
  }

  static Iterator<Map.Entry<String, String>> entries(Iterator<Map.Entry<CharSequence, CharSequence>> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Map.Entry<String, String> next() {
        return new StringHeaderEntry(it.next());
      }

      @Override
      public void remove() {
        it.remove();
      }
    };
  }

  /** {@code getAll}: the values of {@code name} as Strings. */
  static List<String> values(FlatHttpHeaders h, CharSequence name) {
    List<String> out = new ArrayList<>(2);
    for (int i = h.indexOf(name, 0); i >= 0; i = h.indexOf(name, i + 1)) {
      out.add(h.value(i).toString());
    }
    return out;
  }

  /** {@code entries()}: a copy, as Strings. */
  static List<Map.Entry<String, String>> entries(FlatHttpHeaders h) {
    int n = h.size();
    if (n == 0) {
      return Collections.emptyList();
    }
    List<Map.Entry<String, String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new AbstractMap.SimpleEntry<>(h.nameAt(i).toString(), h.value(i).toString()));
    }
    return out;
  }

  /** {@code names()}: the names as given, in order, without duplicates. */
  static Set<String> names(FlatHttpHeaders h) {
    int n = h.size();
    Set<String> out = new LinkedHashSet<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      out.add(h.nameAt(i).toString());
    }
    return out;
  }
}
