package dev.javoy.proxy.upstream.dns;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.dns.DnsCache;
import io.netty.resolver.dns.DnsCacheEntry;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A {@link DnsCache} that caches nothing (every refresh of a DNS cluster asks the name servers again, as Envoy
 * does) but notes the smallest TTL of the answers to each name, which Netty's resolver reports here only.
 * Used on the resolver's event loop only.
 */
final class TtlRecordingDnsCache implements DnsCache {
  private final Map<String, Long> minTtlSeconds = new HashMap<>();

  /**
   * Removes and returns the smallest TTL noted for {@code hostname} (or a search-domain expansion of it), or 0
   * when none was noted.
   */
  long take(String hostname) {
    long ttl = 0;
    String expanded = hostname.endsWith(".") ? hostname : hostname + ".";
    for (Iterator<Map.Entry<String, Long>> it = minTtlSeconds.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      String name = e.getKey();
      if (name.equals(hostname) || name.startsWith(expanded)) {
        ttl = ttl == 0 ? e.getValue() : Math.min(ttl, e.getValue());
        it.remove();
      }
    }
    return ttl;
  }

  @Override
  public DnsCacheEntry cache(String hostname, DnsRecord[] additionals, InetAddress address, long originalTtl,
      EventLoop loop) {
    minTtlSeconds.merge(hostname, Math.max(0, originalTtl), Math::min);
    return null;
  }

  @Override
  public DnsCacheEntry cache(String hostname, DnsRecord[] additionals, Throwable cause, EventLoop loop) {
    return null;
  }

  @Override
  public List<? extends DnsCacheEntry> get(String hostname, DnsRecord[] additionals) {
    return null;
  }

  @Override
  public void clear() {
    minTtlSeconds.clear();
  }

  @Override
  public boolean clear(String hostname) {
    return minTtlSeconds.remove(hostname) != null;
  }
}
