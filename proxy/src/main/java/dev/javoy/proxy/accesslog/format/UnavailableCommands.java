package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.log.Log;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Envoy commands whose facts javoy does not track yet (TLS details until downstream/upstream TLS lands,
 * metadata, filter state, tracing, byte meters). They are accepted with Envoy's syntax, so configs that use
 * them load, and print {@code -} (null in JSON), as Envoy does when the value is not available. The first
 * use of each is logged once.
 */
final class UnavailableCommands {
  private static final Logger LOG = Log.get("config");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private static final List<String> COMMAND_ONLY = List.of(
      "UPSTREAM_PROTOCOL", "DOWNSTREAM_TRANSPORT_FAILURE_REASON", "VIRTUAL_CLUSTER_NAME", "TRACE_ID",
      "CUSTOM_FLAGS", "ACCESS_LOG_TYPE", "DOWNSTREAM_HANDSHAKE_DURATION", "ROUNDTRIP_DURATION",
      "BYTES_RETRANSMITTED", "PACKETS_RETRANSMITTED", "REQUEST_HEADERS_BYTES", "RESPONSE_HEADERS_BYTES",
      "RESPONSE_TRAILERS_BYTES", "TLS_JA3_FINGERPRINT", "TLS_JA4_FINGERPRINT",
      "UPSTREAM_WIRE_BYTES_SENT", "UPSTREAM_WIRE_BYTES_RECEIVED", "UPSTREAM_HEADER_BYTES_SENT",
      "UPSTREAM_HEADER_BYTES_RECEIVED", "DOWNSTREAM_WIRE_BYTES_SENT", "DOWNSTREAM_WIRE_BYTES_RECEIVED",
      "DOWNSTREAM_HEADER_BYTES_SENT", "DOWNSTREAM_HEADER_BYTES_RECEIVED",
      "UPSTREAM_DECOMPRESSED_HEADER_BYTES_SENT", "UPSTREAM_DECOMPRESSED_HEADER_BYTES_RECEIVED",
      "DOWNSTREAM_DECOMPRESSED_HEADER_BYTES_SENT", "DOWNSTREAM_DECOMPRESSED_HEADER_BYTES_RECEIVED",
      // TLS (the others are TlsCommands)
      "DOWNSTREAM_PEER_OTHERNAME_SAN", "DOWNSTREAM_LOCAL_IP_SAN", "DOWNSTREAM_LOCAL_EMAIL_SAN",
      "DOWNSTREAM_LOCAL_OTHERNAME_SAN", "UPSTREAM_LOCAL_IP_SAN");

  private static final List<String> WITH_PARAMS = List.of(
      "DYNAMIC_METADATA", "CLUSTER_METADATA", "UPSTREAM_METADATA", "UPSTREAM_FILTER_STATE");

  private UnavailableCommands() {}

  static void register(Map<String, CommandSpec> m) {
    for (String name : COMMAND_ONLY) {
      m.put(name, new CommandSpec(CommandSyntax.COMMAND_ONLY, (param, path) -> missing(name)));
    }
    for (String name : WITH_PARAMS) {
      m.put(name, new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH, (param, path) -> missing(name)));
    }
  }

  private static FormatCommand missing(String name) {
    if (WARNED.add(name)) {
      LOG.info("access log command %" + name + "% is not tracked by javoy yet; it prints '-'");
    }
    return (out, info, body) -> false;
  }
}
