package dev.javoy.proxy.upstream.health;

import io.netty.handler.codec.Headers;
import java.util.List;

/** {@code request_headers_to_add} / {@code request_headers_to_remove} of HTTP health checks. */
final class HealthCheckHeaders {
  private HealthCheckHeaders() {}

  static <H extends Headers<CharSequence, CharSequence, H>> void apply(H headers,
      List<HealthCheckSpec.HeaderToAdd> add, List<String> remove) {
    for (String name : remove) {
      headers.remove(name);
    }
    for (HealthCheckSpec.HeaderToAdd a : add) {
      if (a.append()) {
        headers.add(a.name(), a.value());
      } else {
        headers.set(a.name(), a.value());
      }
    }
  }

  static void apply(io.netty.handler.codec.http.HttpHeaders headers, List<HealthCheckSpec.HeaderToAdd> add,
      List<String> remove) {
    for (String name : remove) {
      headers.remove(name);
    }
    for (HealthCheckSpec.HeaderToAdd a : add) {
      if (a.append()) {
        headers.add(a.name(), a.value());
      } else {
        headers.set(a.name(), a.value());
      }
    }
  }
}
