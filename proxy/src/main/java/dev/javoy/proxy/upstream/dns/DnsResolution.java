package dev.javoy.proxy.upstream.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The outcome of one name resolution. A name that does not exist, or has no record of the asked family, is a
 * successful resolution with no addresses, as in Envoy; only errors (timeouts, server failures) are failures.
 *
 * @param failed whether the resolution failed (the caller keeps what it had)
 * @param addresses the addresses, de-duplicated, in the order to use them
 * @param ttlSeconds the smallest TTL of the answers, or 0 when unknown (hosts file, IP literal)
 */
public record DnsResolution(boolean failed, List<InetAddress> addresses, long ttlSeconds) {
  private static final DnsResolution FAILURE = new DnsResolution(true, List.of(), 0);

  public DnsResolution {
    addresses = List.copyOf(addresses);
  }

  public static DnsResolution failure() {
    return FAILURE;
  }

  public static DnsResolution of(List<InetAddress> addresses, long ttlSeconds) {
    return new DnsResolution(false, addresses, ttlSeconds);
  }
}
