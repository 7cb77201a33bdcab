package dev.javoy.proxy.http.route;

import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's request or response header mutations across levels, in the order Envoy evaluates them (the later
 * wins): route, virtual host, route configuration; or the reverse with
 * {@code most_specific_header_mutations_wins}. Empty levels are dropped at config time.
 */
public final class HeaderMutationChain {
  public static final HeaderMutationChain NONE = new HeaderMutationChain(new HeaderMutation[0]);

  private final HeaderMutation[] levels;

  private HeaderMutationChain(HeaderMutation[] levels) {
    this.levels = levels;
  }

  /** @param mostSpecificWins route configuration's {@code most_specific_header_mutations_wins} */
  static HeaderMutationChain of(HeaderMutation route, HeaderMutation virtualHost, HeaderMutation routeConfig,
      boolean mostSpecificWins) {
    List<HeaderMutation> order = mostSpecificWins
        ? List.of(routeConfig, virtualHost, route) : List.of(route, virtualHost, routeConfig);
    List<HeaderMutation> kept = new ArrayList<>(3);
    for (HeaderMutation m : order) {
      if (!m.isEmpty()) {
        kept.add(m);
      }
    }
    return kept.isEmpty() ? NONE : new HeaderMutationChain(kept.toArray(new HeaderMutation[0]));
  }

  public boolean isEmpty() {
    return levels.length == 0;
  }

  public void apply(HttpHeaders headers, StreamInfo info) {
    for (HeaderMutation m : levels) {
      m.apply(headers, info);
    }
  }
}
