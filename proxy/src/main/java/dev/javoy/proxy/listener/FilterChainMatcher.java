package dev.javoy.proxy.listener;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch.ConnectionSourceType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Envoy's filter chain selection: criteria are applied in Envoy's order — destination port, destination IP,
 * server name, transport protocol, application protocols, direct source IP, source type, source IP, source
 * port — and at each level the most specific matching chains win over chains that leave the criterion empty.
 */
public final class FilterChainMatcher {
  private static final Set<String> SUPPORTED = Set.of("destination_port", "prefix_ranges", "server_names",
      "transport_protocol", "application_protocols", "direct_source_prefix_ranges", "source_type",
      "source_prefix_ranges", "source_ports");

  private final List<FilterChain> chains;
  private final FilterChain defaultChain;
  /** Every CIDR range of the chains, parsed once (protobuf messages hash by value, memoized). */
  private final java.util.Map<CidrRange, Cidr> cidrs = new java.util.HashMap<>();

  public FilterChainMatcher(List<FilterChain> chains, FilterChain defaultChain, String path)
      throws ConfigException {
    Set<FilterChainMatch> seen = new HashSet<>();
    for (int i = 0; i < chains.size(); i++) {
      FilterChainMatch m = chains.get(i).match();
      String mp = FieldSupport.index(path, "filter_chains", i) + ".filter_chain_match";
      FieldSupport.check(m, mp, SUPPORTED);
      for (int j = 0; j < m.getPrefixRangesCount(); j++) {
        parseCidr(m.getPrefixRanges(j), FieldSupport.index(mp, "prefix_ranges", j));
      }
      for (int j = 0; j < m.getSourcePrefixRangesCount(); j++) {
        parseCidr(m.getSourcePrefixRanges(j), FieldSupport.index(mp, "source_prefix_ranges", j));
      }
      for (int j = 0; j < m.getDirectSourcePrefixRangesCount(); j++) {
        parseCidr(m.getDirectSourcePrefixRanges(j), FieldSupport.index(mp, "direct_source_prefix_ranges", j));
      }
      if (!seen.add(m)) {
        throw new ConfigException(mp, "multiple filter chains with the same matching rules are defined");
      }
    }
    this.chains = List.copyOf(chains);
    this.defaultChain = defaultChain;
  }

  public List<FilterChain> chains() {
    return chains;
  }

  public FilterChain defaultChain() {
    return defaultChain;
  }

  /** The chain for a connection, or null when none matches and there is no default chain. */
  public FilterChain select(ConnectionMetadata c) {
    List<FilterChain> cands = chains;
    cands = level(cands, m -> m.hasDestinationPort() ? (m.getDestinationPort().getValue() == c.destinationPort() ? 1 : -1) : 0);
    cands = level(cands, m -> longestPrefix(m.getPrefixRangesList(), c.destinationIp()));
    cands = level(cands, m -> serverNameScore(m.getServerNamesList(), c.serverName()));
    cands = level(cands, m -> m.getTransportProtocol().isEmpty() ? 0
        : (m.getTransportProtocol().equals(c.transportProtocol()) ? 1 : -1));
    cands = level(cands, m -> alpnScore(m.getApplicationProtocolsList(), c.applicationProtocols()));
    cands = level(cands, m -> longestPrefix(m.getDirectSourcePrefixRangesList(), c.directSourceIp()));
    cands = level(cands, m -> sourceTypeScore(m.getSourceType(), c));
    cands = level(cands, m -> longestPrefix(m.getSourcePrefixRangesList(), c.sourceIp()));
    cands = level(cands, m -> m.getSourcePortsCount() == 0 ? 0 : (m.getSourcePortsList().contains(c.sourcePort()) ? 1 : -1));
    return cands.isEmpty() ? defaultChain : cands.get(0);
  }

  /**
   * One matching level. {@code score}: -1 the chain's criterion does not match, 0 the chain leaves it empty,
   * higher = a more specific match. Keeps the best-scoring positive chains, else the empty ones.
   */
  private static List<FilterChain> level(List<FilterChain> cands, ToIntFunction<FilterChainMatch> score) {
    if (cands.size() <= 1 && (cands.isEmpty() || score.applyAsInt(cands.get(0).match()) >= 0)) {
      return cands;
    }
    int best = 0;
    for (FilterChain f : cands) {
      best = Math.max(best, score.applyAsInt(f.match()));
    }
    List<FilterChain> out = new ArrayList<>(cands.size());
    for (FilterChain f : cands) {
      if (score.applyAsInt(f.match()) == best) {
        out.add(f);
      }
    }
    return out;
  }

  /** 0 when there are no ranges, -1 when none contains {@code ip}, else 1 + the longest matching prefix length. */
  int longestPrefix(List<CidrRange> ranges, InetAddress ip) {
    if (ranges.isEmpty()) {
      return 0;
    }
    if (ip == null) {
      return -1;
    }
    byte[] a = ip.getAddress();
    int best = -1;
    for (int i = 0, n = ranges.size(); i < n; i++) {
      Cidr c = cidrs.get(ranges.get(i));
      if (c.contains(a)) {
        best = Math.max(best, 1 + c.prefixLen());
      }
    }
    return best;
  }

  /** A CIDR range parsed once, at config time. */
  record Cidr(byte[] network, int prefixLen) {
    static Cidr of(CidrRange r) throws UnknownHostException {
      byte[] net = InetAddress.getByName(r.getAddressPrefix()).getAddress();
      return new Cidr(net, r.hasPrefixLen() ? Math.min(r.getPrefixLen().getValue(), net.length * 8) : net.length * 8);
    }

    boolean contains(byte[] a) {
      if (network.length != a.length) {
        return false;
      }
      for (int bit = 0; bit < prefixLen; bit++) {
        int mask = 0x80 >>> (bit & 7);
        if ((network[bit >>> 3] & mask) != (a[bit >>> 3] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private void parseCidr(CidrRange r, String path) throws ConfigException {
    if (!dev.javoy.proxy.upstream.Addresses.isIpLiteral(r.getAddressPrefix())) {
      throw new ConfigException(path + ".address_prefix", "malformed IP address: " + r.getAddressPrefix());
    }
    try {
      cidrs.put(r, Cidr.of(r));
    } catch (UnknownHostException e) {
      throw new ConfigException(path + ".address_prefix", "malformed IP address: " + r.getAddressPrefix(), e);
    }
  }

  /** Exact names beat wildcards; longer wildcards beat shorter ones. */
  static int serverNameScore(List<String> names, String sni) {
    if (names.isEmpty()) {
      return 0;
    }
    if (sni == null || sni.isEmpty()) {
      return -1;
    }
    String s = sni.toLowerCase(Locale.ROOT);
    int best = -1;
    for (String n : names) {
      String name = n.toLowerCase(Locale.ROOT);
      if (name.equals(s)) {
        return Integer.MAX_VALUE;
      }
      if (name.startsWith("*.") && s.endsWith(name.substring(1))) {
        best = Math.max(best, name.length());
      }
    }
    return best;
  }

  static int alpnScore(List<String> wanted, List<String> offered) {
    if (wanted.isEmpty()) {
      return 0;
    }
    for (String w : wanted) {
      if (offered.contains(w)) {
        return 1;
      }
    }
    return -1;
  }

  private static int sourceTypeScore(ConnectionSourceType t, ConnectionMetadata c) {
    if (t == ConnectionSourceType.ANY) {
      return 0;
    }
    boolean local = c.sourceIp() != null && (c.sourceIp().isLoopbackAddress() || c.sourceIp().equals(c.destinationIp()));
    return (t == ConnectionSourceType.SAME_IP_OR_LOOPBACK) == local ? 1 : -1;
  }
}
