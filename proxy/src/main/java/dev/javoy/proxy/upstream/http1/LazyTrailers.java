package dev.javoy.proxy.upstream.http1;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trailers of decoded upstream responses. Netty's decoder gives every response with a body a last content with
 * its own trailers, almost always empty: these allocate the real (validating, small) header map only when the
 * first trailer is added (a chunked response's trailer section: gRPC's status and message), and until then
 * answer every read as empty headers do.
 */
final class LazyTrailers extends HttpHeaders {
  private static final DefaultHttpHeadersFactory BASE = DefaultHttpHeadersFactory.trailersFactory();

  static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
    @Override
    public HttpHeaders newHeaders() {
      return new LazyTrailers();
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return BASE.newEmptyHeaders();
    }
  };

  /** The trailers once any was added, else null. */
  private DefaultHttpHeaders map;

  private LazyTrailers() {}

  /** The real trailers: Netty's validating map with 2 hash buckets instead of 16 (trailers are few). */
  private static final class Small extends DefaultHttpHeaders {
    Small() {
      super(BASE.getNameValidator(), BASE.getValueValidator(), 2);
    }
  }

  private DefaultHttpHeaders map() {
    DefaultHttpHeaders m = map;
    if (m == null) {
      m = new Small();
      map = m;
    }
    return m;
  }

  @Override
  public String get(String name) {
    return map == null ? null : map.get(name);
  }

  @Override
  public String get(CharSequence name) {
    return map == null ? null : map.get(name);
  }

  @Override
  public Integer getInt(CharSequence name) {
    return map == null ? null : map.getInt(name);
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    return map == null ? defaultValue : map.getInt(name, defaultValue);
  }

  @Override
  public Short getShort(CharSequence name) {
    return map == null ? null : map.getShort(name);
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    return map == null ? defaultValue : map.getShort(name, defaultValue);
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    return map == null ? null : map.getTimeMillis(name);
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    return map == null ? defaultValue : map.getTimeMillis(name, defaultValue);
  }

  @Override
  public List<String> getAll(String name) {
    return map == null ? Collections.emptyList() : map.getAll(name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    return map == null ? Collections.emptyList() : map.getAll(name);
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    return map == null ? Collections.emptyList() : map.entries();
  }

  @Override
  public boolean contains(String name) {
    return map != null && map.contains(name);
  }

  @Override
  public boolean contains(CharSequence name) {
    return map != null && map.contains(name);
  }

  @Override
  public boolean contains(String name, String value, boolean ignoreCase) {
    return map != null && map.contains(name, value, ignoreCase);
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    return map != null && map.contains(name, value, ignoreCase);
  }

  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    return map != null && map.containsValue(name, value, ignoreCase);
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return map == null ? Collections.emptyIterator() : map.iterator();
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return map == null ? Collections.emptyIterator() : map.iteratorCharSequence();
  }

  @Override
  public Iterator<String> valueStringIterator(CharSequence name) {
    return map == null ? Collections.emptyIterator() : map.valueStringIterator(name);
  }

  @Override
  public Iterator<CharSequence> valueCharSequenceIterator(CharSequence name) {
    return map == null ? Collections.emptyIterator() : map.valueCharSequenceIterator(name);
  }

  @Override
  public boolean isEmpty() {
    return map == null || map.isEmpty();
  }

  @Override
  public int size() {
    return map == null ? 0 : map.size();
  }

  @Override
  public Set<String> names() {
    return map == null ? Collections.emptySet() : map.names();
  }

  @Override
  public HttpHeaders add(String name, Object value) {
    map().add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    map().add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    map().add(name, values);
    return this;
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    map().add(name, values);
    return this;
  }

  @Override
  public HttpHeaders add(HttpHeaders headers) {
    map().add(headers);
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    map().addInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    map().addShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    map().set(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    map().set(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    map().set(name, values);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    map().set(name, values);
    return this;
  }

  @Override
  public HttpHeaders set(HttpHeaders headers) {
    map().set(headers);
    return this;
  }

  @Override
  public HttpHeaders setAll(HttpHeaders headers) {
    map().setAll(headers);
    return this;
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    map().setInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    map().setShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders remove(String name) {
    if (map != null) {
      map.remove(name);
    }
    return this;
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    if (map != null) {
      map.remove(name);
    }
    return this;
  }

  @Override
  public HttpHeaders clear() {
    if (map != null) {
      map.clear();
    }
    return this;
  }

  @Override
  public HttpHeaders copy() {
    return map == null ? new DefaultHttpHeaders() : map.copy();
  }
}
