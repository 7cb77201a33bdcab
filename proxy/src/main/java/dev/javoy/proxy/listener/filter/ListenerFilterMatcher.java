package dev.javoy.proxy.listener.filter;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilterChainMatchPredicate;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener filter's {@code filter_disabled} (Envoy's {@code ListenerFilterChainMatchPredicate}): when it
 * matches the connection, the filter is skipped. {@code destination_port_range} is half-open {@code [start,
 * end)} and looks at the connection's local address, the original destination once a filter restored it.
 */
public sealed interface ListenerFilterMatcher {
  boolean matches(ListenerFilterContext connection);

  /** {@code any_match}. */
  record Any() implements ListenerFilterMatcher {
    @Override
    public boolean matches(ListenerFilterContext c) {
      return true;
    }
  }

  record Not(ListenerFilterMatcher inner) implements ListenerFilterMatcher {
    @Override
    public boolean matches(ListenerFilterContext c) {
      return !inner.matches(c);
    }
  }

  record And(List<ListenerFilterMatcher> rules) implements ListenerFilterMatcher {
    @Override
    public boolean matches(ListenerFilterContext c) {
      for (ListenerFilterMatcher m : rules) {
        if (!m.matches(c)) {
          return false;
        }
      }
      return true;
    }
  }

  record Or(List<ListenerFilterMatcher> rules) implements ListenerFilterMatcher {
    @Override
    public boolean matches(ListenerFilterContext c) {
      for (ListenerFilterMatcher m : rules) {
        if (m.matches(c)) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code destination_port_range}: {@code start <= port < end}. */
  record DestinationPortRange(int start, int end) implements ListenerFilterMatcher {
    @Override
    public boolean matches(ListenerFilterContext c) {
      SocketAddress a = c.localAddress();
      if (!(a instanceof InetSocketAddress ia)) {
        return false;
      }
      int port = ia.getPort();
      return port >= start && port < end;
    }
  }

  static ListenerFilterMatcher from(ListenerFilterChainMatchPredicate p, String path) throws ConfigException {
    return switch (p.getRuleCase()) {
      case ANY_MATCH -> {
        if (!p.getAnyMatch()) {
          throw new ConfigException(path + ".any_match", "any_match must be true");
        }
        yield new Any();
      }
      case NOT_MATCH -> new Not(from(p.getNotMatch(), path + ".not_match"));
      case AND_MATCH -> new And(rules(p.getAndMatch(), path + ".and_match"));
      case OR_MATCH -> new Or(rules(p.getOrMatch(), path + ".or_match"));
      case DESTINATION_PORT_RANGE -> {
        var r = p.getDestinationPortRange();
        if (r.getEnd() < r.getStart()) {
          throw new ConfigException(path + ".destination_port_range", "end must not be less than start");
        }
        yield new DestinationPortRange((int) r.getStart(), (int) r.getEnd());
      }
      case RULE_NOT_SET -> throw new ConfigException(path, "a match predicate needs one rule");
    };
  }

  private static List<ListenerFilterMatcher> rules(ListenerFilterChainMatchPredicate.MatchSet set, String path)
      throws ConfigException {
    FieldSupport.check(set, path, java.util.Set.of("rules"));
    if (set.getRulesCount() < 2) {
      throw new ConfigException(path + ".rules", "a match set needs at least 2 rules");
    }
    List<ListenerFilterMatcher> out = new ArrayList<>();
    for (int i = 0; i < set.getRulesCount(); i++) {
      out.add(from(set.getRules(i), FieldSupport.index(path, "rules", i)));
    }
    return List.copyOf(out);
  }
}
