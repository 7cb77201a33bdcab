package dev.javoy.proxy.http.h1;

/**
 * Stands in the value slot of a {@link FlatHttpHeaders} header whose value is still only a span of the decoded head:
 * the {@code index}-th offset/length pair of the map's span table. Shared by every map (immutable; a map never hands
 * one out: it replaces it by a view of the bytes on the first read), so a lazy value costs two chars, not an object.
 */
final class HeaderValueSpan implements CharSequence {
  /** How many values of one map can be spans (the rest get views at once). */
  static final int COUNT = 64;
  private static final HeaderValueSpan[] ALL = new HeaderValueSpan[COUNT];

  static {
    for (int i = 0; i < COUNT; i++) {
      ALL[i] = new HeaderValueSpan(i);
    }
  }

  final int index;

  private HeaderValueSpan(int index) {
    this.index = index;
  }

  static HeaderValueSpan of(int index) {
    return ALL[index];
  }

  @Override
  public int length() {
    throw new IllegalStateException("unresolved header value span");
  }

  @Override
  public char charAt(int i) {
    throw new IllegalStateException("unresolved header value span");
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    throw new IllegalStateException("unresolved header value span");
  }
}
