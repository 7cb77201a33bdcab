package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Envoy's header map for HTTP/1.1 messages: names and values in two parallel arrays, in insertion order, duplicates
 * kept, looked up by a linear scan (a request has 10–20 headers: a scan of interned names beats hashing them).
 * <p>
 * Names are lower-cased as they are added unless the map keeps them as received ({@code preserve_case}); the
 * well-known names are Netty's {@code HttpHeaderNames} constants (no allocation, identity compare first). Values
 * are kept as the {@link CharSequence} given: the codecs store {@link AsciiString}s over the message's bytes, so a
 * value nobody reads as a {@code String} is written out again without ever becoming one. Names and values added
 * through the {@link HttpHeaders} API are validated as Netty's default headers validate them; the codecs add
 * already-checked bytes with {@link #addDecoded}. Not thread-safe, as Netty's headers.
 */
public final class FlatHttpHeaders extends HttpHeaders {
  private static final int DEFAULT_CAPACITY = 16;
  private static final CharSequence[] NONE = new CharSequence[0];

  /** Name, value, name, value, ...: one array for both (one array header less per message). */
  private CharSequence[] a;
  private int size;
  private final boolean lowerCaseNames;
  private final boolean validate;
  /** No name was stored with an upper-case letter (always true for a lower-casing map not given one as is). */
  private boolean allLowerCase;

  /** A validating map that stores names in lower case. */
  public FlatHttpHeaders() {
    this(true, true, DEFAULT_CAPACITY);
  }

  /**
   * @param lowerCaseNames store every name in lower case (else as given: {@code preserve_case})
   * @param validate check names and values added through the {@link HttpHeaders} API
   */
  public FlatHttpHeaders(boolean lowerCaseNames, boolean validate, int capacity) {
    this.lowerCaseNames = lowerCaseNames;
    this.validate = validate;
    this.allLowerCase = lowerCaseNames;
    this.a = capacity <= 0 ? NONE : new CharSequence[Math.max(capacity, 4) << 1]; // trailers: none until the first
  }

  // ---- indexed access (codecs, formatters) ----

  /** The name of the {@code i}-th header, {@code 0 <= i < size()}. */
  public CharSequence nameAt(int i) {
    return a[(i) << 1];
  }

  /** The value of the {@code i}-th header. */
  public CharSequence valueAt(int i) {
    return value(i);
  }

  /** Renames the {@code i}-th header as given, without lower-casing or validating ({@code header_key_format}). */
  public void renameAt(int i, CharSequence name) {
    if (allLowerCase && HeaderNames.hasUpperCase(name)) {
      allLowerCase = false;
    }
    a[(i) << 1] = name;
  }

  /** Whether every name is in lower case (nothing for the default key format to rewrite). */
  public boolean lowerCaseNames() {
    return allLowerCase;
  }

  /**
   * Adds a header a codec decoded and checked itself: the name already normalized (lower case, or as received
   * under preserve_case), neither validated nor converted again.
   */
  public void addDecoded(CharSequence name, CharSequence value) {
    if (allLowerCase && !lowerCaseNames) {
      allLowerCase = false;
    }
    append(name, value);
  }

  // ---- values kept as spans of the decoded head (made an AsciiString only when read) ----

  /** The head bytes the spans point into, or null. */
  private byte[] source;
  /**
   * Offset, length, offset, length, ... of the values still kept as spans, by {@link HeaderValueSpan#index}: chars (unsigned
   * 16 bits, half an int[]'s bytes), so only heads up to 64 KiB keep spans (larger ones, rare, get views at once).
   */
  private char[] spans;
  /** How many spans are used (at most {@code HeaderValueSpan.COUNT}: a byte keeps the object at 32 bytes). */
  private byte spanCount;

  /**
   * Lets the next {@code count} values decoded from {@code head} (an array the caller never changes again) be kept
   * as spans of it ({@link #addDecoded(CharSequence, byte[], int, int)}).
   */
  public void decodingFrom(byte[] head, int count) {
    if (count > 0 && source == null && head.length <= Character.MAX_VALUE) {
      source = head;
      spans = new char[Math.min(count, HeaderValueSpan.COUNT) << 1];
    }
  }

  /** Adds a decoded header whose value is {@code b[off, off + len)}: a span when {@link #decodingFrom} allows. */
  public void addDecoded(CharSequence name, byte[] b, int off, int len) {
    if (len == 0) {
      addDecoded(name, AsciiString.EMPTY_STRING);
      return;
    }
    int k = spanCount;
    if (b == source && (k << 1) < spans.length) {
      spans[k << 1] = (char) off;
      spans[(k << 1) + 1] = (char) len;
      spanCount = (byte) (k + 1);
      addDecoded(name, HeaderValueSpan.of(k));
    } else {
      addDecoded(name, new AsciiString(b, off, len, false));
    }
  }

  /** The {@code i}-th value, made a view of the head bytes if it was still a span (and kept as that). */
  private CharSequence value(int i) {
    CharSequence v = a[(i << 1) + 1];
    if (v instanceof HeaderValueSpan sp) {
      int k = sp.index << 1;
      v = new AsciiString(source, spans[k], spans[k + 1], false);
      a[(i << 1) + 1] = v;
    }
    return v;
  }

  /** The index of the first header of this name, or -1. */
  public int firstIndexOf(CharSequence name) {
    return indexOf(name, 0);
  }

  /** The {@code j}-th char of the {@code i}-th value, without making a span a view. */
  public char valueCharAt(int i, int j) {
    CharSequence v = a[(i << 1) + 1];
    if (v instanceof HeaderValueSpan sp) {
      int k = sp.index << 1;
      if (j < 0 || j >= spans[k + 1]) {
        throw new IndexOutOfBoundsException(j);
      }
      return (char) (source[spans[k] + j] & 0xff);
    }
    return v.charAt(j);
  }

  /** Whether the {@code i}-th value is {@code s} ignoring ASCII case, without making a span a view. */
  public boolean valueContentEqualsIgnoreCase(int i, AsciiString s) {
    int n = valueLength(i);
    if (n != s.length()) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      char c = valueCharAt(i, j);
      char d = (char) (s.byteAt(j) & 0xff);
      if (c != d && HeaderNames.toLower(c) != HeaderNames.toLower(d)) {
        return false;
      }
    }
    return true;
  }

  /** The length of the {@code i}-th value, without making a span a view. */
  public int valueLength(int i) {
    CharSequence v = a[(i << 1) + 1];
    return v instanceof HeaderValueSpan sp ? spans[(sp.index << 1) + 1] : v.length();
  }

  /**
   * Writes the {@code i}-th value's bytes (chars up to 0xFF as one byte each), a span straight from the head bytes.
   */
  public void writeValue(int i, ByteBuf out) {
    CharSequence v = a[(i << 1) + 1];
    if (v instanceof HeaderValueSpan sp) {
      int k = sp.index << 1;
      out.writeBytes(source, spans[k], spans[k + 1]);
    } else if (v instanceof AsciiString s) {
      ByteBufUtil.copy(s, out);
    } else {
      ByteBufUtil.writeAscii(out, v);
    }
  }

  private void append(CharSequence name, CharSequence value) {
    int i = size << 1;
    if (i == a.length) {
      a = Arrays.copyOf(a, Math.max(8, i << 1));
    }
    a[i] = name;
    a[i + 1] = value;
    size++;
  }

  private CharSequence normalizedName(CharSequence name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    CharSequence n = lowerCaseNames ? HeaderNames.lowerCase(name) : name;
    if (validate && !HeaderNames.isWellKnownConstant(n)) {
      HeaderNames.validate(n);
    }
    if (allLowerCase && !lowerCaseNames) {
      allLowerCase = false;
    }
    return n;
  }

  private int indexOf(CharSequence name, int from) {
    CharSequence[] x = a;
    for (int i = from, n = size; i < n; i++) {
      if (HeaderNames.same(x[i << 1], name)) {
        return i;
      }
    }
    return -1;
  }

  private void removeAt(int i) {
    int tail = size - i - 1;
    if (tail > 0) {
      System.arraycopy(a, (i + 1) << 1, a, i << 1, tail << 1);
    }
    size--;
    a[size << 1] = null;
    a[(size << 1) + 1] = null;
  }

  /** Removes every header of this name; returns how many went. */
  private int removeAll(CharSequence name) {
    int w = 0;
    int n = size;
    CharSequence[] x = a;
    for (int r = 0; r < n; r++) {
      if (!HeaderNames.same(x[r << 1], name)) {
        if (w != r) {
          x[w << 1] = x[r << 1];
          x[(w << 1) + 1] = x[(r << 1) + 1];
        }
        w++;
      }
    }
    Arrays.fill(x, w << 1, n << 1, null);
    size = w;
    return n - w;
  }

  /** The first value of {@code name} as given (no String made), or null. */
  public CharSequence getCharSequence(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : value(i);
  }

  // ---- HttpHeaders ----

  @Override
  public String get(String name) {
    return get((CharSequence) name);
  }

  @Override
  public String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : value(i).toString();
  }

  @Override
  public String get(CharSequence name, String defaultValue) {
    String v = get(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Integer getInt(CharSequence name) {
    CharSequence v = getCharSequence(name);
    if (v == null) {
      return null;
    }
    try {
      return v instanceof AsciiString a ? a.parseInt() : Integer.parseInt(v.toString());
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    Integer v = getInt(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Short getShort(CharSequence name) {
    CharSequence v = getCharSequence(name);
    if (v == null) {
      return null;
    }
    try {
      return v instanceof AsciiString a ? a.parseShort() : Short.parseShort(v.toString());
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    Short v = getShort(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    CharSequence v = getCharSequence(name);
    if (v == null) {
      return null;
    }
    Date d = DateFormatter.parseHttpDate(v);
    return d == null ? null : d.getTime();
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    Long v = getTimeMillis(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public List<String> getAll(String name) {
    return getAll((CharSequence) name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    List<String> out = new ArrayList<>(2);
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      out.add(value(i).toString());
    }
    return out;
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    if (size == 0) {
      return Collections.emptyList();
    }
    List<Map.Entry<String, String>> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new AbstractMap.SimpleEntry<>(a[(i) << 1].toString(), value(i).toString()));
    }
    return out;
  }

  @Override
  public boolean contains(String name) {
    return indexOf(name, 0) >= 0;
  }

  @Override
  public boolean contains(CharSequence name) {
    return indexOf(name, 0) >= 0;
  }

  @Override
  public boolean contains(String name, String value, boolean ignoreCase) {
    return contains((CharSequence) name, (CharSequence) value, ignoreCase);
  }

  /** A header of this name whose whole value equals {@code value} (as Netty's default headers). */
  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      CharSequence v = value(i);
      if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(v, value) : AsciiString.contentEquals(v, value)) {
        return true;
      }
    }
    return false;
  }

  /** A header of this name whose comma-separated value has {@code value} as an element, trimmed. */
  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      if (containsCommaSeparatedTrimmed(i, value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  /** Read in place, so a value still a span of its head stays one (keep-alive checks read every response's). */
  private boolean containsCommaSeparatedTrimmed(int i, CharSequence value, boolean ignoreCase) {
    int n = valueLength(i);
    int start = 0;
    while (start <= n) {
      int end = start;
      while (end < n && valueCharAt(i, end) != ',') {
        end++;
      }
      int s = start;
      int e = end;
      while (s < e && isOws(valueCharAt(i, s))) {
        s++;
      }
      while (e > s && isOws(valueCharAt(i, e - 1))) {
        e--;
      }
      if (e - s == value.length() && regionMatches(i, s, value, ignoreCase)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  private boolean regionMatches(int index, int from, CharSequence v, boolean ignoreCase) {
    for (int i = 0, n = v.length(); i < n; i++) {
      char a = valueCharAt(index, from + i);
      char b = v.charAt(i);
      if (a != b && !(ignoreCase && HeaderNames.toLower(a) == HeaderNames.toLower(b))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Iterator<String> valueStringIterator(CharSequence name) {
    Iterator<? extends CharSequence> it = valueCharSequenceIterator(name);
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

  @Override
  public Iterator<? extends CharSequence> valueCharSequenceIterator(CharSequence name) {
    return new Iterator<CharSequence>() {
      private int next = indexOf(name, 0);
      private int last = -1;

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
        next = indexOf(name, next + 1);
        return value(last);
      }

      @Override
      public void remove() {
        if (last < 0) {
          throw new IllegalStateException();
        }
        removeAt(last);
        if (next > last) {
          next--;
        }
        last = -1;
      }
    };
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    Iterator<Map.Entry<CharSequence, CharSequence>> it = iteratorCharSequence();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Map.Entry<String, String> next() {
        Map.Entry<CharSequence, CharSequence> e = it.next();
        return new StringHeaderEntry(e);
      }

      @Override
      public void remove() {
        it.remove();
      }
    };
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return new Iterator<>() {
      private int next;
      private int last = -1;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public Map.Entry<CharSequence, CharSequence> next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        last = next++;
        return new Entry(last, a[(last) << 1], value(last));
      }

      @Override
      public void remove() {
        if (last < 0) {
          throw new IllegalStateException();
        }
        removeAt(last);
        next = last;
        last = -1;
      }
    };
  }

  /** An entry of the iteration; {@link #setValue} writes through while the header is still there. */
  private final class Entry implements Map.Entry<CharSequence, CharSequence> {
    private final int index;
    private final CharSequence name;
    private CharSequence value;

    Entry(int index, CharSequence name, CharSequence value) {
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
      CharSequence nv = HeaderValues.converted(validate, v);
      CharSequence old = value;
      int i = index < size && a[(index) << 1] == name && a[((index) << 1) + 1] == old ? index : -1;
      if (i >= 0) {
        a[((i) << 1) + 1] = nv;
      }
      value = nv;
      return old;
    }

    @Override
    public String toString() {
      return name + "=" + value;
    }
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<String> names() {
    Set<String> out = new LinkedHashSet<>(Math.max(4, size * 2));
    for (int i = 0; i < size; i++) {
      out.add(a[(i) << 1].toString());
    }
    return out;
  }

  @Override
  public HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    CharSequence n = normalizedName(name);
    append(n, HeaderValues.converted(validate, value));
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    return add((CharSequence) name, values);
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    CharSequence n = normalizedName(name);
    for (Object v : values) {
      append(n, HeaderValues.converted(validate, v));
    }
    return this;
  }

  @Override
  public HttpHeaders add(HttpHeaders headers) {
    if (headers == this) {
      throw new IllegalArgumentException("can't add to itself.");
    }
    if (headers instanceof FlatHttpHeaders f) {
      for (int i = 0; i < f.size; i++) {
        append(normalizedName(f.a[(i) << 1]), f.value(i));
      }
      return this;
    }
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      add(e.getKey(), e.getValue());
    }
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    return add(name, Integer.toString(value));
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    return add(name, Short.toString(value));
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    return set((CharSequence) name, value);
  }

  /** Replaces every header of this name by one, at the end (as Netty's default headers do). */
  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    CharSequence n = normalizedName(name);
    CharSequence v = HeaderValues.converted(validate, value);
    int i = indexOf(n, 0);
    if (i >= 0 && i == size - 1) {
      a[(i) << 1] = n; // the only one, already last: replaced in place
      a[((i) << 1) + 1] = v;
      return this;
    }
    if (i >= 0) {
      removeAll(n);
    }
    append(n, v);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    return set((CharSequence) name, values);
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    CharSequence n = normalizedName(name);
    removeAll(n);
    for (Object v : values) {
      append(n, HeaderValues.converted(validate, v));
    }
    return this;
  }

  @Override
  public HttpHeaders set(HttpHeaders headers) {
    if (headers != this) {
      clear();
      add(headers);
    }
    return this;
  }

  @Override
  public HttpHeaders setAll(HttpHeaders headers) {
    if (headers != this) {
      for (String name : headers.names()) {
        removeAll(name);
      }
      add(headers);
    }
    return this;
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    return set(name, Integer.toString(value));
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    return set(name, Short.toString(value));
  }

  @Override
  public HttpHeaders remove(String name) {
    removeAll(name);
    return this;
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    removeAll(name);
    return this;
  }

  @Override
  public HttpHeaders clear() {
    Arrays.fill(a, 0, size << 1, null);
    size = 0;
    allLowerCase = lowerCaseNames;
    source = null;
    spans = null;
    spanCount = 0;
    return this;
  }

  @Override
  public HttpHeaders copy() {
    FlatHttpHeaders c = new FlatHttpHeaders(lowerCaseNames, validate, Math.max(size, 4));
    System.arraycopy(a, 0, c.a, 0, size << 1);
    c.size = size;
    c.allLowerCase = allLowerCase;
    c.source = source; // the spans are written only while the codec decodes, before the map is handed out
    c.spans = spans;
    c.spanCount = spanCount;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FlatHttpHeaders f) || f.size != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!HeaderNames.same(a[(i) << 1], f.a[(i) << 1]) || !AsciiString.contentEquals(value(i), f.value(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = size;
    for (int i = 0; i < size; i++) {
      h = h * 31 + AsciiString.hashCode(a[(i) << 1]);
      h = h * 31 + AsciiString.hashCode(value(i));
    }
    return h;
  }
}
