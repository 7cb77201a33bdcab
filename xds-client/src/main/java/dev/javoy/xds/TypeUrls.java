package dev.javoy.xds;

/** The type URLs of the xDS resources javoy subscribes to (Envoy v3 API). */
public final class TypeUrls {
  private static final String PREFIX = "type.googleapis.com/";

  public static final String LISTENER = PREFIX + "envoy.config.listener.v3.Listener";
  public static final String ROUTE_CONFIGURATION = PREFIX + "envoy.config.route.v3.RouteConfiguration";
  public static final String CLUSTER = PREFIX + "envoy.config.cluster.v3.Cluster";
  public static final String CLUSTER_LOAD_ASSIGNMENT = PREFIX + "envoy.config.endpoint.v3.ClusterLoadAssignment";
  public static final String SECRET = PREFIX + "envoy.extensions.transport_sockets.tls.v3.Secret";
  public static final String TYPED_EXTENSION_CONFIG = PREFIX + "envoy.config.core.v3.TypedExtensionConfig";
  /** The wrapper a server may put around a resource ({@code envoy.service.discovery.v3.Resource}). */
  public static final String RESOURCE = PREFIX + "envoy.service.discovery.v3.Resource";

  private TypeUrls() {}
}
