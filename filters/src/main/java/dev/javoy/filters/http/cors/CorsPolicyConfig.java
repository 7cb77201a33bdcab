package dev.javoy.filters.http.cors;

import dev.javoy.proxy.accesslog.filter.StringMatch;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.http.filter.Percentage;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code CorsPolicy} from a route's or virtual host's {@code typed_per_filter_config}. Unset fields
 * are null (or empty), so the filter can take each field from the most specific policy that sets it, as Envoy
 * does. {@code filter_enabled} and {@code shadow_enabled} use their {@code default_value} (javoy gives filters no
 * runtime snapshot).
 */
record CorsPolicyConfig(List<StringMatch> allowOrigins, String allowMethods, String allowHeaders,
    String exposeHeaders, String maxAge, Boolean allowCredentials, Percentage filterEnabled,
    Percentage shadowEnabled, Boolean allowPrivateNetworkAccess, Boolean forwardNotMatchingPreflights) {

  static CorsPolicyConfig of(CorsPolicy p, String path) throws ConfigException {
    List<StringMatch> origins = new ArrayList<>();
    for (int i = 0; i < p.getAllowOriginStringMatchCount(); i++) {
      origins.add(StringMatch.of(p.getAllowOriginStringMatch(i),
          FieldSupport.index(path, "allow_origin_string_match", i)));
    }
    return new CorsPolicyConfig(List.copyOf(origins), p.getAllowMethods(), p.getAllowHeaders(),
        p.getExposeHeaders(), p.getMaxAge(),
        p.hasAllowCredentials() ? p.getAllowCredentials().getValue() : null,
        p.hasFilterEnabled() ? Percentage.ofRuntime(p.getFilterEnabled(), FieldSupport.join(path, "filter_enabled"))
            : null,
        p.hasShadowEnabled() ? Percentage.ofRuntime(p.getShadowEnabled(), FieldSupport.join(path, "shadow_enabled"))
            : null,
        p.hasAllowPrivateNetworkAccess() ? p.getAllowPrivateNetworkAccess().getValue() : null,
        p.hasForwardNotMatchingPreflights() ? p.getForwardNotMatchingPreflights().getValue() : null);
  }

  /** Whether CORS is enforced for this request: {@code filter_enabled}, 100% when unset. */
  boolean sampleEnabled() {
    return filterEnabled == null || filterEnabled.sample();
  }

  /** Whether origins are checked (and counted) without enforcing: {@code shadow_enabled}, 0% when unset. */
  boolean sampleShadowEnabled() {
    return shadowEnabled != null && shadowEnabled.sample();
  }
}
