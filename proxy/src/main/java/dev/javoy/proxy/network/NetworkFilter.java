package dev.javoy.proxy.network;

/**
 * A network filter of a filter chain, built once from config and shared by every connection on the chain.
 * For each new connection it installs its per-connection handler(s) into the connection's pipeline, in
 * filter-chain order; the last filter of a chain is terminal (http_connection_manager, tcp_proxy).
 */
public interface NetworkFilter {
  void install(DownstreamConnection connection);

  /** Whether the filter consumes the connection (it must then be the last of its chain). */
  default boolean terminal() {
    return false;
  }
}
