package dev.javoy.proxy.server;

import java.time.Duration;

/**
 * Envoy's command-line options as javoy uses them (Envoy's {@code Server::Options}).
 *
 * @param configPath {@code -c}, or null
 * @param configYaml {@code --config-yaml}, merged over the file, or null
 * @param mode serve, validate or init_only
 * @param concurrency number of worker event loops
 * @param drainTime {@code --drain-time-s}
 * @param drainStrategy gradual or immediate
 * @param parentShutdownTime {@code --parent-shutdown-time-s}
 * @param localAddressIpVersion v4 or v6
 * @param serviceCluster {@code --service-cluster}, overrides {@code node.cluster}, or null
 * @param serviceNode {@code --service-node}, overrides {@code node.id}, or null
 * @param serviceZone {@code --service-zone}, overrides {@code node.locality.zone}, or null
 * @param allowUnknownStaticFields warn about (rather than reject) unknown fields in the bootstrap
 * @param rejectUnknownDynamicFields reject unknown fields in xDS resources
 * @param fileFlushInterval {@code --file-flush-interval-msec} for access logs
 * @param fileFlushMinSizeKb {@code --file-flush-min-size-kb}
 * @param transport which native transport workers use
 */
public record ServerOptions(
    String configPath,
    String configYaml,
    Mode mode,
    int concurrency,
    Duration drainTime,
    DrainStrategy drainStrategy,
    Duration parentShutdownTime,
    String localAddressIpVersion,
    String serviceCluster,
    String serviceNode,
    String serviceZone,
    boolean allowUnknownStaticFields,
    boolean rejectUnknownDynamicFields,
    Duration fileFlushInterval,
    int fileFlushMinSizeKb,
    Transport transport) {

  public enum Mode { SERVE, VALIDATE, INIT_ONLY }

  public enum DrainStrategy { GRADUAL, IMMEDIATE }

  /** Event loop transport: epoll by default on Linux, io_uring on request, NIO where neither loads. */
  public enum Transport { AUTO, EPOLL, IO_URING, NIO }

  /** Envoy's defaults, for tests and embedding. */
  public static ServerOptions defaults() {
    return new ServerOptions(
        null, null, Mode.SERVE, Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(600),
        DrainStrategy.GRADUAL, Duration.ofSeconds(900), "v4", null, null, null, false, false,
        Duration.ofMillis(10000), 64, Transport.AUTO);
  }

  public ServerOptions withConcurrency(int n) {
    return new ServerOptions(configPath, configYaml, mode, n, drainTime, drainStrategy, parentShutdownTime,
        localAddressIpVersion, serviceCluster, serviceNode, serviceZone, allowUnknownStaticFields,
        rejectUnknownDynamicFields, fileFlushInterval, fileFlushMinSizeKb, transport);
  }
}
