package dev.javoy.filters.istio.stats;

/** Istio's standard metrics: the name in {@code metrics[].name} overrides and the Prometheus name. */
enum IstioMetric {
  REQUESTS_TOTAL("requests_total", Kind.COUNTER, false),
  REQUEST_DURATION_MILLISECONDS("request_duration_milliseconds", Kind.HISTOGRAM, false),
  REQUEST_BYTES("request_bytes", Kind.HISTOGRAM, false),
  RESPONSE_BYTES("response_bytes", Kind.HISTOGRAM, false),
  TCP_SENT_BYTES_TOTAL("tcp_sent_bytes_total", Kind.COUNTER, true),
  TCP_RECEIVED_BYTES_TOTAL("tcp_received_bytes_total", Kind.COUNTER, true),
  TCP_CONNECTIONS_OPENED_TOTAL("tcp_connections_opened_total", Kind.COUNTER, true),
  TCP_CONNECTIONS_CLOSED_TOTAL("tcp_connections_closed_total", Kind.COUNTER, true);

  enum Kind { COUNTER, HISTOGRAM }

  static final IstioMetric[] ALL = values();

  final String shortName;
  final Kind kind;
  final boolean tcp;
  /** The tag-extracted stat name: in the {@code istio} custom namespace, exported as {@code istio_<name>}. */
  final String statName;

  IstioMetric(String shortName, Kind kind, boolean tcp) {
    this.shortName = shortName;
    this.kind = kind;
    this.tcp = tcp;
    this.statName = IstioStatsConfig.NAMESPACE + ".istio_" + shortName;
  }

  static IstioMetric byShortName(String name) {
    for (IstioMetric m : ALL) {
      if (m.shortName.equals(name)) {
        return m;
      }
    }
    return null;
  }
}
