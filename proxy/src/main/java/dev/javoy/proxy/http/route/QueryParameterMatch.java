package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.filter.StringMatch;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import java.util.Set;

/**
 * A compiled {@code query_parameters} entry. As Envoy: the query string is split on {@code &} and {@code =}
 * without percent-decoding, only the first value of a repeated parameter counts, a parameter without
 * {@code =} has the value "", and an absent parameter never matches; {@code present_match} is then its value.
 */
final class QueryParameterMatch {
  private final String name;
  private final StringMatch value; // null with present_match
  private final boolean present;

  private QueryParameterMatch(String name, StringMatch value, boolean present) {
    this.name = name;
    this.value = value;
    this.present = present;
  }

  static QueryParameterMatch of(QueryParameterMatcher m, String path) throws ConfigException {
    FieldSupport.check(m, path, Set.of("name", "string_match", "present_match"));
    if (m.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "a query parameter matcher needs a name");
    }
    return switch (m.getQueryParameterMatchSpecifierCase()) {
      case STRING_MATCH -> new QueryParameterMatch(m.getName(),
          StringMatch.of(m.getStringMatch(), path + ".string_match"), false);
      case PRESENT_MATCH -> new QueryParameterMatch(m.getName(), null, m.getPresentMatch());
      default -> throw new ConfigException(path, "a query parameter matcher needs string_match or present_match");
    };
  }

  /** @param queryStart index of the first '?' in {@code path}, or its length */
  boolean matches(String path, int queryStart) {
    String v = firstValue(path, queryStart, name);
    if (v == null) {
      return false;
    }
    return value == null ? present : value.matches(v);
  }

  /** The raw value of the first parameter called {@code name}, or null. */
  static String firstValue(String path, int queryStart, String name) {
    int n = path.length();
    int start = queryStart + 1;
    while (start <= n && queryStart < n) {
      int end = path.indexOf('&', start);
      if (end < 0) {
        end = n;
      }
      int eq = path.indexOf('=', start);
      int keyEnd = eq >= 0 && eq < end ? eq : end;
      if (keyEnd - start == name.length() && path.startsWith(name, start)) {
        return keyEnd == end ? "" : path.substring(keyEnd + 1, end);
      }
      start = end + 1;
    }
    return null;
  }
}
