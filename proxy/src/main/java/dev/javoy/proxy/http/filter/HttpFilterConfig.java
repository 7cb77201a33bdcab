package dev.javoy.proxy.http.filter;

/**
 * One HTTP filter of a connection manager's chain, built once from config and shared by all workers. It
 * creates a fresh {@link HttpFilter} for each stream.
 */
public interface HttpFilterConfig {
  HttpFilter newFilter(HttpFilterCallbacks callbacks);
}
