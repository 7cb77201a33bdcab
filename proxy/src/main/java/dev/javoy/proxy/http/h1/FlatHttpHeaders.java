package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Envoy's header map for HTTP/1.1 messages: names and values in two parallel arrays, in insertion order, duplicates
 * kept, looked up by a linear scan (a request has 10–20 headers: a scan of interned names beats hashing them).
 * <p>
 * Names are lower-cased as they are added unless the map keeps them as received ({@code preserve_case}); the
 * well-known names are Netty's {@code HttpHeaderNames} and {@link EnvoyHeaderNames} constants (no allocation, identity
 * compare first). A {@link HeaderNameSummary} of the names answers most lookups of absent names without a scan. Values
 * are kept as the {@link CharSequence} given: the codecs store {@link AsciiString}s over the message's bytes, so a
 * value nobody reads as a {@code String} is written out again without ever becoming one. Names and values added
 * through the {@link HttpHeaders} API are validated as Netty's default headers validate them; the codecs add
 * already-checked bytes with {@link #addDecoded}, javoy's own headers come through {@link TrustedHeaders}. Values still
 * spans of the decoded head are read in place by {@link HeaderValueSpans}; iteration is {@link FlatHeaderIterator},
 * {@link FlatHeaderValueIterator} and {@link StringHeaderViews}. Not thread-safe, as Netty's headers.
 */
public final class FlatHttpHeaders extends HttpHeaders {
  private static final int DEFAULT_CAPACITY = 16;
  private static final CharSequence[] NONE = new CharSequence[0];

  /** Name, value, name, value, ...: one array for both (one array header less per message). */
  private CharSequence[] a;
  /** How many headers (a char, as the flags are bytes: the object stays at 32 bytes; see {@link #append}). */
  private char size;
  /** {@link #LOWER_CASE_NAMES}, {@link #VALIDATE}, {@link #ALL_LOWER_CASE}. */
  private byte flags;
  /** Store every name in lower case (else as given: {@code preserve_case}). */
  private static final byte LOWER_CASE_NAMES = 1;
  /** Check names and values added through the {@link HttpHeaders} API. */
  private static final byte VALIDATE = 2;
  /** No name was stored with an upper-case letter (always true for a lower-casing map not given one as is). */
  private static final byte ALL_LOWER_CASE = 4;
  /** The {@link HeaderNameSummary} bits of the names held (and maybe of some removed): a clear bit is an absent name. */
  private int names;

  /** A validating map that stores names in lower case. */
  public FlatHttpHeaders() {
    this(true, true, DEFAULT_CAPACITY);
  }

  /**
   * @param lowerCaseNames store every name in lower case (else as given: {@code preserve_case})
   * @param validate check names and values added through the {@link HttpHeaders} API
   */
  public FlatHttpHeaders(boolean lowerCaseNames, boolean validate, int capacity) {
    this.flags = (byte) ((lowerCaseNames ? LOWER_CASE_NAMES | ALL_LOWER_CASE : 0) | (validate ? VALIDATE : 0));
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
    if ((flags & ALL_LOWER_CASE) != 0 && HeaderNames.hasUpperCase(name)) {
      flags &= ~ALL_LOWER_CASE;
    }
    a[(i) << 1] = name;
    names |= HeaderNameSummary.bitOf(name);
  }

  /** The {@link HeaderNameSummary} of the names: a name whose bit is clear is not in the map. */
  public int nameSummary() {
    return names;
  }

  /** Whether every name is in lower case (nothing for the default key format to rewrite). */
  public boolean lowerCaseNames() {
    return (flags & ALL_LOWER_CASE) != 0;
  }

  /**
   * Adds a header a codec decoded and checked itself: the name already normalized (lower case, or as received
   * under preserve_case), neither validated nor converted again.
   */
  public void addDecoded(CharSequence name, CharSequence value) {
    if ((flags & LOWER_CASE_NAMES) == 0) {
      flags &= ~ALL_LOWER_CASE; // (never set for such a map: kept as it was)
    }
    append(name, value);
  }

  // ---- values kept as spans of the decoded head (made an AsciiString only when read) ----

  /** The head bytes the spans point into (and whose tail holds the span table), or null. */
  byte[] source;
  /**
   * Where the span table starts in {@link #source}: offset, length, offset, length, ... of the values still kept as
   * spans, by {@link HeaderValueSpan#index}, each an unsigned little-endian 16-bit number ({@link HeaderValueSpans}), in
   * room the decoder left after the head's bytes ({@link #spanRoom}): no array of its own per map. So only heads up to
   * 64 KiB keep spans (larger ones, rare, get views at once).
   */
  char spanBase;
  /** How many spans are used (at most {@code HeaderValueSpan.COUNT}: bytes keep the object at 32 bytes). */
  byte spanCount;
  /** How many spans the table has room for. */
  byte spanLimit;

  /** The bytes a decoder leaves after a head of {@code count} header lines for their span table. */
  public static int spanRoom(int count) {
    return Math.min(count, HeaderValueSpan.COUNT) << 2;
  }

  /**
   * Lets the next {@code count} values decoded from {@code head[0, headLength)} (an array the caller never changes
   * again) be kept as spans of it ({@link #addDecoded(CharSequence, byte[], int, int)}), their table in
   * {@code head[headLength, headLength + spanRoom(count))}; without that room (or over 64 KiB) values become views.
   */
  public void decodingFrom(byte[] head, int headLength, int count) {
    int room = spanRoom(count);
    if (count > 0 && source == null && headLength <= Character.MAX_VALUE && head.length - headLength >= room) {
      source = head;
      spanBase = (char) headLength;
      spanLimit = (byte) (room >> 2);
    }
  }

  /** Adds a decoded header whose value is {@code b[off, off + len)}: a span when {@link #decodingFrom} allows. */
  public void addDecoded(CharSequence name, byte[] b, int off, int len) {
    addDecoded(name, HeaderValueSpans.spanOrView(this, b, off, len));
  }

  /**
   * {@link #addDecoded(CharSequence, byte[], int, int)} with the name's {@link HeaderNameSummary} bit computed by the
   * parser from the name's bytes (equal to {@code HeaderNameSummary.bitOf(name)}).
   */
  void addDecoded(CharSequence name, int summaryBit, byte[] b, int off, int len) {
    if ((flags & LOWER_CASE_NAMES) == 0) {
      flags &= ~ALL_LOWER_CASE; // (never set for such a map: kept as it was)
    }
    append(name, HeaderValueSpans.spanOrView(this, b, off, len), summaryBit);
  }

  /** The {@code i}-th value, made a view of the head bytes if it was still a span (and kept as that). */
  CharSequence value(int i) {
    CharSequence v = a[(i << 1) + 1];
    if (v instanceof HeaderValueSpan sp) {
      v = HeaderValueSpans.view(this, sp);
      a[(i << 1) + 1] = v;
    }
    return v;
  }

  /** The {@code i}-th value as stored: maybe a {@link HeaderValueSpan} (for {@link HeaderValueSpans}). */
  CharSequence rawValue(int i) {
    return a[(i << 1) + 1];
  }

  /** The index of the first header of this name, or -1. */
  public int firstIndexOf(CharSequence name) {
    return indexOf(name, 0);
  }

  /** The {@code j}-th char of the {@code i}-th value, without making a span a view. */
  public char valueCharAt(int i, int j) {
    return HeaderValueSpans.charAt(this, i, j);
  }

  /** Whether the {@code i}-th value is {@code s} ignoring ASCII case, without making a span a view. */
  public boolean valueContentEqualsIgnoreCase(int i, AsciiString s) {
    return HeaderValueSpans.contentEqualsIgnoreCase(this, i, s);
  }

  /** The length of the {@code i}-th value, without making a span a view. */
  public int valueLength(int i) {
    return HeaderValueSpans.length(this, i);
  }

  /**
   * Writes the {@code i}-th value's bytes (chars up to 0xFF as one byte each), a span straight from the head bytes.
   */
  public void writeValue(int i, ByteBuf out) {
    HeaderValueSpans.write(this, i, out);
  }

  /** Copies the {@code i}-th value's bytes into {@code d} at {@code p} (a span straight from the head bytes); returns the end. */
  int putValue(int i, byte[] d, int p) {
    return HeaderValueSpans.put(this, i, d, p);
  }

  /** {@link #putValue} when the value ends by {@code limit}; else -1, nothing copied. */
  int putValueWithin(int i, byte[] d, int p, int limit) {
    return HeaderValueSpans.putWithin(this, i, d, p, limit);
  }

  private void append(CharSequence name, CharSequence value) {
    append(name, value, HeaderNameSummary.bitOf(name));
  }

  private void append(CharSequence name, CharSequence value, int summaryBit) {
    if (size == Character.MAX_VALUE) {
      // only with header size limits raised far above Envoy's defaults (60 KiB hold at most ~15,000 headers)
      throw new io.netty.handler.codec.TooLongFrameException("more than " + (int) Character.MAX_VALUE + " headers");
    }
    int i = size << 1;
    if (i == a.length) {
      a = Arrays.copyOf(a, Math.max(8, i << 1));
    }
    a[i] = name;
    a[i + 1] = value;
    size++;
    names |= summaryBit;
  }

  private CharSequence normalizedName(CharSequence name) {
    CharSequence n = HeaderNames.normalized(name, (flags & LOWER_CASE_NAMES) != 0, (flags & VALIDATE) != 0);
    if ((flags & LOWER_CASE_NAMES) == 0) {
      flags &= ~ALL_LOWER_CASE; // (never set for such a map: kept as it was)
    }
    return n;
  }

  /** The index of the first header of this name from {@code from} on, or -1. */
  int indexOf(CharSequence name, int from) {
    if ((names & HeaderNameSummary.bitOf(name)) == 0) {
      return -1;
    }
    CharSequence[] x = a;
    for (int i = from, n = size; i < n; i++) {
      if (HeaderNames.same(x[i << 1], name)) {
        return i;
      }
    }
    return -1;
  }

  /** Removes the {@code i}-th header (an iterator's remove). */
  void removeAt(int i) {
    int tail = size - i - 1;
    if (tail > 0) {
      System.arraycopy(a, (i + 1) << 1, a, i << 1, tail << 1);
    }
    size--;
    a[size << 1] = null;
    a[(size << 1) + 1] = null;
  }

  /**
   * Removes the {@code i}-th header and every later one of the same name (a caller that found the first of a name
   * by {@link #firstIndexOf} removes them all without a second search from the start; the name's summary bit stays,
   * meaning "maybe", as after any removal that does not rebuild it).
   */
  public void removeAllFrom(int i) {
    CharSequence name = a[i << 1];
    removeAt(i);
    if (indexOf(name, i) >= 0) {
      removeFrom(name, i);
    }
  }

  /** Removes every header of this name; returns how many went. */
  private int removeAll(CharSequence name) {
    return (names & HeaderNameSummary.bitOf(name)) == 0 ? 0 : removeFrom(name, 0);
  }

  /** Removes every header of this name from index {@code from} on (the summary is rebuilt from what stays). */
  private int removeFrom(CharSequence name, int from) {
    int w = from;
    int n = size;
    CharSequence[] x = a;
    int kept = 0;
    for (int r = 0; r < from; r++) {
      kept |= HeaderNameSummary.bitOf(x[r << 1]);
    }
    for (int r = from; r < n; r++) {
      CharSequence k = x[r << 1];
      if (!HeaderNames.same(k, name)) {
        if (w != r) {
          x[w << 1] = k;
          x[(w << 1) + 1] = x[(r << 1) + 1];
        }
        kept |= HeaderNameSummary.bitOf(k);
        w++;
      }
    }
    Arrays.fill(x, w << 1, n << 1, null);
    size = (char) w;
    names = kept;
    return n - w;
  }

  /** Appends as given (no lower-casing, no checks): {@link TrustedHeaders#add}. */
  void addTrusted(CharSequence name, CharSequence value) {
    append(name, value);
  }

  /**
   * The first header of this name gets {@code value} in place (position and name as received), the others go;
   * appended when absent. No lower-casing, no checks: {@link TrustedHeaders#set}.
   */
  void replace(CharSequence name, CharSequence value) {
    int i = indexOf(name, 0);
    if (i < 0) {
      append(name, value);
      return;
    }
    a[(i << 1) + 1] = value;
    if (indexOf(name, i + 1) > 0) {
      removeFrom(name, i + 1);
    }
  }

  /**
   * Two {@link #replace}s in one pass over the names (the connection manager's {@code server} and {@code date} on
   * every response): each name's first header gets its value in place, its later duplicates go, an absent name is
   * appended ({@code name1}'s first). {@code name1} may be null (not set); with {@code keep1} a present
   * {@code name1} is left as it is ({@code APPEND_IF_ABSENT}). The names must differ. No lower-casing, no checks.
   */
  void replaceTwo(CharSequence name1, CharSequence value1, boolean keep1, CharSequence name2, CharSequence value2) {
    int bit1 = name1 == null ? 0 : HeaderNameSummary.bitOf(name1);
    int bit2 = HeaderNameSummary.bitOf(name2);
    int i1 = -1;
    int i2 = -1;
    boolean more1 = false;
    boolean more2 = false;
    if ((names & (bit1 | bit2)) != 0) {
      CharSequence[] x = a;
      int len1 = name1 == null ? -1 : name1.length();
      int len2 = name2.length();
      for (int i = 0, n = size; i < n; i++) {
        CharSequence k = x[i << 1];
        // identity first (the decoders' interned names), else one length read decides which name to compare
        int kl = k == name1 ? len1 : k == name2 ? len2 : k.length();
        if (kl == len1 && (k == name1 || HeaderNames.same(k, name1))) {
          if (i1 < 0) {
            i1 = i;
          } else {
            more1 = true;
          }
        } else if (kl == len2 && (k == name2 || HeaderNames.same(k, name2))) {
          if (i2 < 0) {
            i2 = i;
          } else {
            more2 = true;
          }
        }
      }
    }
    // values in place first (the removals below move what follows them)
    boolean replace1 = name1 != null && i1 >= 0 && !keep1;
    if (replace1) {
      a[(i1 << 1) + 1] = value1;
    }
    if (i2 >= 0) {
      a[(i2 << 1) + 1] = value2;
    }
    if (replace1 && more1) {
      removeFrom(name1, i1 + 1);
    }
    if (more2) {
      removeFrom(name2, indexOf(name2, 0) + 1); // (name1's duplicates may have gone before it)
    }
    if (name1 != null && i1 < 0) {
      append(name1, value1);
    }
    if (i2 < 0) {
      append(name2, value2);
    }
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
    return v == null ? null : HeaderValues.parseInt(v);
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    Integer v = getInt(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Short getShort(CharSequence name) {
    CharSequence v = getCharSequence(name);
    return v == null ? null : HeaderValues.parseShort(v);
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    Short v = getShort(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    CharSequence v = getCharSequence(name);
    return v == null ? null : HeaderValues.parseTimeMillis(v);
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
    return StringHeaderViews.values(this, name);
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    return StringHeaderViews.entries(this);
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

  /** A header of this name whose whole value equals {@code value} (as Netty's default headers); read in place. */
  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    return HeaderValueSpans.anyEquals(this, name, value, ignoreCase);
  }

  /**
   * A header of this name whose comma-separated value has {@code value} as an element, trimmed; read in place, so a
   * value still a span of its head stays one (keep-alive checks read every response's).
   */
  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    return HeaderValueSpans.anyHasElement(this, name, value, ignoreCase);
  }

  @Override
  public Iterator<String> valueStringIterator(CharSequence name) {
    return StringHeaderViews.values(valueCharSequenceIterator(name));
  }

  @Override
  public Iterator<? extends CharSequence> valueCharSequenceIterator(CharSequence name) {
    return new FlatHeaderValueIterator(this, name);
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return StringHeaderViews.entries(iteratorCharSequence());
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return new FlatHeaderIterator(this);
  }

  /** For {@link FlatHeaderEntry#setValue}: the value converted and checked as an added one would be. */
  CharSequence convertedValue(Object v) {
    return HeaderValues.converted((flags & VALIDATE) != 0, v);
  }

  /** Sets the {@code i}-th value as given (an entry writing through). */
  void setValueAt(int i, CharSequence v) {
    a[(i << 1) + 1] = v;
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
    return StringHeaderViews.names(this);
  }

  @Override
  public HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    CharSequence n = normalizedName(name);
    append(n, HeaderValues.converted((flags & VALIDATE) != 0, value));
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
      append(n, HeaderValues.converted((flags & VALIDATE) != 0, v));
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
    CharSequence v = HeaderValues.converted((flags & VALIDATE) != 0, value);
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
      append(n, HeaderValues.converted((flags & VALIDATE) != 0, v));
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
    names = 0;
    if ((flags & LOWER_CASE_NAMES) != 0) {
      flags |= ALL_LOWER_CASE;
    }
    source = null;
    spanCount = 0;
    spanLimit = 0;
    return this;
  }

  @Override
  public HttpHeaders copy() {
    FlatHttpHeaders c = new FlatHttpHeaders(true, true, Math.max(size, 4));
    System.arraycopy(a, 0, c.a, 0, size << 1);
    c.size = size;
    c.flags = flags;
    c.names = names;
    c.source = source; // the spans are written only while the codec decodes, before the map is handed out
    c.spanBase = spanBase;
    c.spanCount = spanCount;
    c.spanLimit = spanLimit;
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
