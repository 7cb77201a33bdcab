package dev.javoy.proxy.http.h1;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/** Every header of a {@link FlatHttpHeaders} in order, as {@link FlatHeaderEntry}s; {@link #remove} takes one out. */
final class FlatHeaderIterator implements Iterator<Map.Entry<CharSequence, CharSequence>> {
  private final FlatHttpHeaders h;
  private int next;
  private int last = -1;

  FlatHeaderIterator(FlatHttpHeaders h) {
    this.h = h;
  }

  @Override
  public boolean hasNext() {
    return next < h.size();
  }

  @Override
  public Map.Entry<CharSequence, CharSequence> next() {
    if (next >= h.size()) {
      throw new NoSuchElementException();
    }
    last = next++;
    return new FlatHeaderEntry(h, last, h.nameAt(last), h.value(last));
  }

  @Override
  public void remove() {
    if (last < 0) {
      throw new IllegalStateException();
    }
    h.removeAt(last);
    next = last;
    last = -1;
  }
}
