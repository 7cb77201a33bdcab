package dev.javoy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One kind of xDS resource: its type URL, how to unpack it, how it is named, and how the state of the
 * world protocol treats it. The instances are singletons; compare them with {@code ==}.
 *
 * @param <T> the resource message
 */
public final class ResourceType<T extends Message> {
  /** The name that subscribes to every resource of a type (only for types that {@link #supportsWildcard()}). */
  public static final String WILDCARD = "*";

  public static final ResourceType<Cluster> CLUSTER =
      new ResourceType<>("CDS", TypeUrls.CLUSTER, Cluster.parser(), Cluster::getName, true);
  public static final ResourceType<ClusterLoadAssignment> CLUSTER_LOAD_ASSIGNMENT =
      new ResourceType<>("EDS", TypeUrls.CLUSTER_LOAD_ASSIGNMENT, ClusterLoadAssignment.parser(),
          ClusterLoadAssignment::getClusterName, false);
  public static final ResourceType<Listener> LISTENER =
      new ResourceType<>("LDS", TypeUrls.LISTENER, Listener.parser(), Listener::getName, true);
  public static final ResourceType<RouteConfiguration> ROUTE_CONFIGURATION =
      new ResourceType<>("RDS", TypeUrls.ROUTE_CONFIGURATION, RouteConfiguration.parser(),
          RouteConfiguration::getName, false);
  public static final ResourceType<Secret> SECRET =
      new ResourceType<>("SDS", TypeUrls.SECRET, Secret.parser(), Secret::getName, false);
  public static final ResourceType<TypedExtensionConfig> EXTENSION_CONFIG =
      new ResourceType<>("ECDS", TypeUrls.TYPED_EXTENSION_CONFIG, TypedExtensionConfig.parser(),
          TypedExtensionConfig::getName, false);

  /** Every type, in the order requests are (re)sent on a new aggregated stream: clusters before listeners. */
  private static final List<ResourceType<?>> ALL = List.of(
      CLUSTER, CLUSTER_LOAD_ASSIGNMENT, LISTENER, ROUTE_CONFIGURATION, SECRET, EXTENSION_CONFIG);

  private final String shortName;
  private final String typeUrl;
  private final Parser<T> parser;
  private final Function<T, String> nameOf;
  private final boolean fullStateInSotw;

  private ResourceType(String shortName, String typeUrl, Parser<T> parser, Function<T, String> nameOf,
      boolean fullStateInSotw) {
    this.shortName = shortName;
    this.typeUrl = typeUrl;
    this.parser = parser;
    this.nameOf = nameOf;
    this.fullStateInSotw = fullStateInSotw;
  }

  /** All resource types, clusters first. */
  public static List<ResourceType<?>> all() {
    return ALL;
  }

  /** The type with this type URL, if javoy knows it. */
  public static Optional<ResourceType<?>> forTypeUrl(String typeUrl) {
    for (ResourceType<?> type : ALL) {
      if (type.typeUrl.equals(typeUrl)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** Envoy's short name of the discovery service: {@code LDS}, {@code CDS}, {@code RDS}, {@code EDS}, ... */
  public String shortName() {
    return shortName;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /**
   * Whether a state-of-the-world response carries every resource of the type (LDS and CDS): a resource
   * missing from it has been removed. For the other types absence means nothing.
   */
  public boolean isFullStateInSotw() {
    return fullStateInSotw;
  }

  /** Whether {@link #WILDCARD} subscriptions exist for this type (LDS and CDS). */
  public boolean supportsWildcard() {
    return fullStateInSotw;
  }

  /** Unpacks a resource; the {@code Any} must carry this type's URL. */
  public T unpack(Any any) throws InvalidProtocolBufferException {
    if (!typeUrl.equals(any.getTypeUrl())) {
      throw new InvalidProtocolBufferException(
          "type URL " + any.getTypeUrl() + " where " + typeUrl + " was expected");
    }
    return parser.parseFrom(any.getValue());
  }

  /** The resource's name as xDS knows it ({@code cluster_name} for a ClusterLoadAssignment). */
  public String resourceName(T resource) {
    return nameOf.apply(resource);
  }

  @Override
  public String toString() {
    return shortName;
  }
}
