package dev.javoy.proxy.tracing;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.List;
import java.util.Set;

/**
 * What a route adds to tracing: its {@code decorator} (the span's operation name, and whether it propagates in
 * {@code x-envoy-decorator-operation}), its {@code tracing} (sampling rates replacing the connection manager's, and
 * more custom tags) and its {@code metadata} (for route metadata custom tags).
 *
 * @param operation the decorator's operation, or null
 * @param sampling the route's client/random/overall rates, or null to use the connection manager's
 */
public record RouteTracing(String operation, boolean propagate, Sampling sampling, List<CustomTag> customTags,
    Metadata metadata) {
  public static final RouteTracing NONE = new RouteTracing(null, true, null, List.of(), Metadata.getDefaultInstance());

  /** A route's {@code tracing}: each rate defaults to 100%. */
  public record Sampling(SamplingFraction client, SamplingFraction random, SamplingFraction overall) {}

  public static RouteTracing of(Route r, String path) throws ConfigException {
    if (!r.hasDecorator() && !r.hasTracing() && !r.hasMetadata()) {
      return NONE;
    }
    String operation = null;
    boolean propagate = true;
    if (r.hasDecorator()) {
      var d = r.getDecorator();
      FieldSupport.check(d, path + ".decorator", Set.of("operation", "propagate"));
      if (d.getOperation().isEmpty()) {
        throw new ConfigException(path + ".decorator.operation", "value length must be at least 1 characters");
      }
      operation = d.getOperation();
      propagate = !d.hasPropagate() || d.getPropagate().getValue();
    }
    Sampling sampling = null;
    List<CustomTag> tags = List.of();
    if (r.hasTracing()) {
      var t = r.getTracing();
      String tp = path + ".tracing";
      FieldSupport.check(t, tp, Set.of("client_sampling", "random_sampling", "overall_sampling", "custom_tags"));
      sampling = new Sampling(
          SamplingFraction.of(t.hasClientSampling(), t.getClientSampling(), tp + ".client_sampling"),
          SamplingFraction.of(t.hasRandomSampling(), t.getRandomSampling(), tp + ".random_sampling"),
          SamplingFraction.of(t.hasOverallSampling(), t.getOverallSampling(), tp + ".overall_sampling"));
      tags = CustomTag.compile(t.getCustomTagsList(), tp);
    }
    return new RouteTracing(operation, propagate, sampling, tags, r.getMetadata());
  }
}
