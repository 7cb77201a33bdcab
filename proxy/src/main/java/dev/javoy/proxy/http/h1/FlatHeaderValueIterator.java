package dev.javoy.proxy.http.h1;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** The values of one name in a {@link FlatHttpHeaders}, in order; {@link #remove} takes that header out of the map. */
final class FlatHeaderValueIterator implements Iterator<CharSequence> {
  private final FlatHttpHeaders h;
  private final CharSequence name;
  private int next;
  private int last = -1;

  FlatHeaderValueIterator(FlatHttpHeaders h, CharSequence name) {
    this.h = h;
    this.name = name;
    this.next = h.indexOf(name, 0);
  }

  @Override
  public boolean hasNext() {
    return next >= 0;
  }

  @Override
  public CharSequence next() {
    if (next < 0) {
      throw new NoSuchElementException();
    }
    last = next;
    next = h.indexOf(name, next + 1);
    return h.value(last);
  }

  @Override
  public void remove() {
    if (last < 0) {
      throw new IllegalStateException();
    }
    h.removeAt(last);
    if (next > last) {
      next--;
    }
    last = -1;
  }
}
