package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.filter.HttpFilter;

/**
 * An HTTP filter whose instance the connection manager may give to a later stream of the same worker instead of
 * asking its factory for a new one (the instance keeps the same {@code HttpFilterCallbacks} object, which then
 * serves the later stream). A stream's filters are reused only when all of them implement this and all agree.
 */
public interface RecyclableHttpFilter extends HttpFilter {
  /**
   * Called after {@link #onDestroy} and the stream's access logs, on the stream's thread. Returns true after
   * clearing all per-stream state, when nothing (a timer, an upstream connection, a retry, a mirror, a tunnel)
   * can reach this instance any more on the old stream's behalf; false to have it dropped instead.
   */
  boolean recycle();
}
