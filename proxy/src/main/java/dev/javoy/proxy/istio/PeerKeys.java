package dev.javoy.proxy.istio;

/** Filter state names under which Istio's filters leave the peers' {@link PeerMetadata} (as istio/proxy). */
public final class PeerKeys {
  /** The peer that sent the request (inbound) or opened the connection. */
  public static final String DOWNSTREAM_PEER = "downstream_peer";
  /** The peer that answered (outbound). */
  public static final String UPSTREAM_PEER = "upstream_peer";
  /** Set by the TCP exchange when the peer did not take part in it. */
  public static final String NO_PEER = "peer_not_found";

  private PeerKeys() {}
}
