package dev.javoy.proxy.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterChainMatcherTest {
  private static FilterChain chain(String name, String matchJson) throws Exception {
    FilterChainMatch.Builder b = FilterChainMatch.newBuilder();
    JsonFormat.parser().merge(matchJson, b);
    return new FilterChain(name, b.build(), List.of(),
        io.envoyproxy.envoy.config.listener.v3.FilterChain.getDefaultInstance());
  }

  private static ConnectionMetadata conn(String dst, int port, String src, String sni) throws Exception {
    return new ConnectionMetadata(InetAddress.getByName(dst), port, InetAddress.getByName(src), 40000,
        InetAddress.getByName(src), sni, "raw_buffer", List.of());
  }

  @Test
  void envoyPrecedenceMostSpecificWinsLevelByLevel() throws Exception {
    List<FilterChain> chains = new ArrayList<>();
    chains.add(chain("port80", "{\"destination_port\": 80}"));
    chains.add(chain("port80-net10", "{\"destination_port\": 80, \"prefix_ranges\": [{\"address_prefix\": \"10.0.0.0\", \"prefix_len\": 8}]}"));
    chains.add(chain("port80-net10.1", "{\"destination_port\": 80, \"prefix_ranges\": [{\"address_prefix\": \"10.1.0.0\", \"prefix_len\": 16}]}"));
    chains.add(chain("sni-exact", "{\"server_names\": [\"api.example.com\"]}"));
    chains.add(chain("sni-wild", "{\"server_names\": [\"*.example.com\"]}"));
    chains.add(chain("src", "{\"source_prefix_ranges\": [{\"address_prefix\": \"192.168.0.0\", \"prefix_len\": 16}]}"));
    chains.add(chain("any", "{}"));
    FilterChainMatcher m = new FilterChainMatcher(chains, null, "listener");
    assertEquals("port80", m.select(conn("192.0.2.1", 80, "1.1.1.1", "")).name());
    assertEquals("port80-net10", m.select(conn("10.2.0.1", 80, "1.1.1.1", "")).name());
    assertEquals("port80-net10.1", m.select(conn("10.1.2.3", 80, "1.1.1.1", "")).name());
    // destination port is decided first: a chain for port 80 beats a more specific SNI chain
    assertEquals("port80", m.select(conn("192.0.2.1", 80, "1.1.1.1", "api.example.com")).name());
    assertEquals("sni-exact", m.select(conn("192.0.2.1", 443, "1.1.1.1", "api.example.com")).name());
    assertEquals("sni-wild", m.select(conn("192.0.2.1", 443, "1.1.1.1", "www.example.com")).name());
    assertEquals("src", m.select(conn("192.0.2.1", 443, "192.168.7.7", "")).name());
    assertEquals("any", m.select(conn("192.0.2.1", 443, "8.8.8.8", "")).name());
  }

  @Test
  void noMatchFallsBackToTheDefaultChainOrNothing() throws Exception {
    List<FilterChain> chains = List.of(chain("p1", "{\"destination_port\": 1}"));
    assertNull(new FilterChainMatcher(chains, null, "l").select(conn("127.0.0.1", 2, "127.0.0.1", "")));
    FilterChain dflt = chain("default", "{}");
    assertEquals("default", new FilterChainMatcher(chains, dflt, "l").select(conn("127.0.0.1", 2, "127.0.0.1", "")).name());
  }

  @Test
  void identicalMatchersAreRejected() throws Exception {
    List<FilterChain> chains = List.of(chain("a", "{\"destination_port\": 1}"), chain("b", "{\"destination_port\": 1}"));
    ConfigException e = assertThrows(ConfigException.class, () -> new FilterChainMatcher(chains, null, "listener"));
    assertEquals("listener.filter_chains[1].filter_chain_match", e.path());
  }

  @Test
  void unsupportedCriteriaAreRejected() throws Exception {
    List<FilterChain> chains = List.of(chain("a", "{\"address_suffix\": \"x\"}"));
    ConfigException e = assertThrows(ConfigException.class, () -> new FilterChainMatcher(chains, null, "listener"));
    assertEquals("listener.filter_chains[0].filter_chain_match.address_suffix", e.path());
  }
}
