package dev.javoy.proxy.admin;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An admin request: method, path (without query), the decoded query parameters in request order (first value
 * of each; a bare {@code ?usedonly} has the empty value) and the parameters of an
 * {@code application/x-www-form-urlencoded} body (empty otherwise).
 */
public record AdminRequest(String method, String path, Map<String, String> params, Map<String, String> form) {
  public AdminRequest {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    form = Collections.unmodifiableMap(new LinkedHashMap<>(form));
  }

  /** Parses {@code /path?a=b&c} with percent-decoding. */
  public static AdminRequest parse(String method, String uri) {
    QueryStringDecoder decoder = new QueryStringDecoder(uri);
    return new AdminRequest(method, decoder.path(), firstValues(decoder), Map.of());
  }

  /** The same request with the parameters of a form-encoded body. */
  public AdminRequest withForm(String body) {
    QueryStringDecoder decoder = new QueryStringDecoder(body, false);
    return new AdminRequest(method, path, params, firstValues(decoder));
  }

  private static Map<String, String> firstValues(QueryStringDecoder decoder) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : decoder.parameters().entrySet()) {
      out.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
    }
    return out;
  }

  /** Whether the parameter is present (with any value), as Envoy tests {@code usedonly} or {@code include_eds}. */
  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** The parameter's value when present and non-empty (Envoy's {@code queryParam}), else null. */
  public String value(String name) {
    String v = params.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  public boolean isPost() {
    return method.equals("POST");
  }
}
