package dev.javoy.proxy.listener;

import java.net.InetAddress;
import java.util.List;

/**
 * What filter chain matching looks at for one new connection: addresses and ports, and what listener filters
 * found (SNI, transport protocol, ALPN).
 */
public record ConnectionMetadata(InetAddress destinationIp, int destinationPort, InetAddress sourceIp,
    int sourcePort, InetAddress directSourceIp, String serverName, String transportProtocol,
    List<String> applicationProtocols) {}
