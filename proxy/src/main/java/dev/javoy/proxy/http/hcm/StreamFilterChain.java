package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.stream.StreamInfo;
import java.util.List;

/**
 * One stream's instances of the connection manager's HTTP filters, their callbacks and the stream's
 * {@link StreamInfo}: what an {@link ActiveStream} would otherwise allocate per request. When every filter is a
 * {@link RecyclableHttpFilter} the chain goes back to its worker's {@link StreamFilterChainPool} after the stream
 * ended and serves a later stream of that worker.
 */
final class StreamFilterChain {
  final StreamInfo info = new StreamInfo();
  final HttpFilter[] filters;
  private final ActiveStream.FilterCallbacks[] callbacks;
  /** Whether every filter is recyclable (fixed at construction). */
  final boolean recyclable;
  /** The stream object the chain serves (or served last, while it waits in its pool). */
  ActiveStream owner;

  /**
   * A new chain, serving {@code first} (whose constructor is running) from the start, or with a stream object of
   * its own when {@code first} is null.
   */
  StreamFilterChain(HttpConnectionManagerConfig config, ActiveStream first) {
    if (first == null) {
      first = ActiveStream.forNewChain(config, this);
    }
    owner = first;
    List<HttpConnectionManagerConfig.NamedFilter> named = config.filters;
    int n = named.size();
    filters = new HttpFilter[n];
    callbacks = new ActiveStream.FilterCallbacks[n];
    boolean all = true;
    for (int i = 0; i < n; i++) {
      HttpConnectionManagerConfig.NamedFilter fc = named.get(i);
      callbacks[i] = new ActiveStream.FilterCallbacks(i, fc.name(), info);
      callbacks[i].stream = first;
      filters[i] = fc.config().newFilter(callbacks[i]);
      all &= filters[i] instanceof RecyclableHttpFilter;
    }
    recyclable = all;
  }

  /** The callbacks now serve {@code stream} (a new object for a reused chain). */
  void attach(ActiveStream stream) {
    owner = stream;
    for (ActiveStream.FilterCallbacks c : callbacks) {
      c.stream = stream;
    }
  }

  /**
   * After the stream ended (filters destroyed, access logs written): clears the chain for another stream. False
   * when it cannot be reused (a filter that is not recyclable, or one that still has work on the old stream's
   * behalf); such a chain is left to the garbage collector.
   */
  boolean recycle() {
    if (!recyclable) {
      return false;
    }
    for (HttpFilter f : filters) {
      if (!((RecyclableHttpFilter) f).recycle()) {
        return false;
      }
    }
    info.reset();
    return true;
  }
}
