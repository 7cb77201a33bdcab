package dev.javoy.filters.istio.stats;

/**
 * The labels of Istio's standard metrics ("Istio Standard Metrics"), in the order istio/proxy's stats filter
 * tags them. HTTP metrics carry all of them; TCP metrics all but the request/response ones.
 */
enum IstioLabel {
  REPORTER("reporter"),
  SOURCE_WORKLOAD("source_workload"),
  SOURCE_CANONICAL_SERVICE("source_canonical_service"),
  SOURCE_CANONICAL_REVISION("source_canonical_revision"),
  SOURCE_WORKLOAD_NAMESPACE("source_workload_namespace"),
  SOURCE_PRINCIPAL("source_principal"),
  SOURCE_APP("source_app"),
  SOURCE_VERSION("source_version"),
  SOURCE_CLUSTER("source_cluster"),
  DESTINATION_WORKLOAD("destination_workload"),
  DESTINATION_WORKLOAD_NAMESPACE("destination_workload_namespace"),
  DESTINATION_PRINCIPAL("destination_principal"),
  DESTINATION_APP("destination_app"),
  DESTINATION_VERSION("destination_version"),
  DESTINATION_SERVICE("destination_service"),
  DESTINATION_CANONICAL_SERVICE("destination_canonical_service"),
  DESTINATION_CANONICAL_REVISION("destination_canonical_revision"),
  DESTINATION_SERVICE_NAME("destination_service_name"),
  DESTINATION_SERVICE_NAMESPACE("destination_service_namespace"),
  DESTINATION_CLUSTER("destination_cluster"),
  REQUEST_PROTOCOL("request_protocol"),
  RESPONSE_FLAGS("response_flags"),
  CONNECTION_SECURITY_POLICY("connection_security_policy"),
  RESPONSE_CODE("response_code"),
  GRPC_RESPONSE_STATUS("grpc_response_status");

  static final IstioLabel[] ALL = values();
  /** TCP metrics stop before {@link #RESPONSE_CODE}. */
  static final int TCP_COUNT = RESPONSE_CODE.ordinal();

  final String tag;

  IstioLabel(String tag) {
    this.tag = tag;
  }

  static IstioLabel byTag(String tag) {
    for (IstioLabel l : ALL) {
      if (l.tag.equals(tag)) {
        return l;
      }
    }
    return null;
  }
}
