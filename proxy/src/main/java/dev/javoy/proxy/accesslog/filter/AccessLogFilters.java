package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter.FilterSpecifierCase;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter.Op;
import io.envoyproxy.envoy.config.accesslog.v3.GrpcStatusFilter.Status;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/** Builds an {@link AccessLogFilter} from Envoy's {@code envoy.config.accesslog.v3.AccessLogFilter}. */
public final class AccessLogFilters {
  /** The random source of {@code runtime_filter}s built without one. */
  public static final LongSupplier DEFAULT_RANDOM = () -> ThreadLocalRandom.current().nextLong();

  private AccessLogFilters() {}

  /** @param path JSON path of the filter, for errors */
  public static AccessLogFilter build(io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter proto, String path)
      throws ConfigException {
    return build(proto, path, DEFAULT_RANDOM);
  }

  /** @param random where {@code runtime_filter} draws samples when the request id cannot decide */
  public static AccessLogFilter build(io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter proto, String path,
      LongSupplier random) throws ConfigException {
    FilterSpecifierCase which = proto.getFilterSpecifierCase();
    switch (which) {
      case STATUS_CODE_FILTER:
        return comparison(proto.getStatusCodeFilter().getComparison(), i -> i.responseCode,
            path + ".status_code_filter.comparison");
      case DURATION_FILTER:
        return comparison(proto.getDurationFilter().getComparison(),
            i -> TimeUnit.NANOSECONDS.toMillis(i.durationNanos()), path + ".duration_filter.comparison");
      case NOT_HEALTH_CHECK_FILTER:
        return new NotHealthCheckFilter();
      case TRACEABLE_FILTER:
        return new TraceableFilter();
      case RUNTIME_FILTER:
        return runtime(proto.getRuntimeFilter(), path + ".runtime_filter", random);
      case AND_FILTER:
        return new AndFilter(all(proto.getAndFilter().getFiltersList(), path + ".and_filter.filters", random));
      case OR_FILTER:
        return new OrFilter(all(proto.getOrFilter().getFiltersList(), path + ".or_filter.filters", random));
      case HEADER_FILTER:
        if (!proto.getHeaderFilter().hasHeader()) {
          throw new ConfigException(path + ".header_filter.header", "a header filter needs a header matcher");
        }
        return new HeaderFilter(HeaderMatch.of(proto.getHeaderFilter().getHeader(), path + ".header_filter.header"));
      case RESPONSE_FLAG_FILTER:
        return responseFlags(proto.getResponseFlagFilter().getFlagsList(), path + ".response_flag_filter.flags");
      case GRPC_STATUS_FILTER: {
        int mask = 0;
        for (Status s : proto.getGrpcStatusFilter().getStatusesList()) {
          if (s == Status.UNRECOGNIZED) {
            throw new ConfigException(path + ".grpc_status_filter.statuses", "unknown gRPC status");
          }
          mask |= 1 << s.getNumber();
        }
        return new GrpcStatusFilter(mask, proto.getGrpcStatusFilter().getExclude());
      }
      case METADATA_FILTER:
        throw new ConfigException(path + ".metadata_filter", "metadata_filter is not supported");
      case LOG_TYPE_FILTER:
        throw new ConfigException(path + ".log_type_filter", "log_type_filter is not supported");
      case EXTENSION_FILTER:
        throw new ConfigException(path + ".extension_filter", "unsupported access log filter extension '"
            + proto.getExtensionFilter().getName() + "'");
      default:
        throw new ConfigException(path, "an access log filter needs one filter specifier");
    }
  }

  private static AccessLogFilter comparison(
      io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter c, ToLongFunction<StreamInfo> subject, String path)
      throws ConfigException {
    if (c.getOp() == Op.UNRECOGNIZED) {
      throw new ConfigException(path + ".op", "unknown comparison operator");
    }
    return new ComparisonFilter(subject, c.getOp(), Integer.toUnsignedLong(c.getValue().getDefaultValue()));
  }

  private static AccessLogFilter runtime(io.envoyproxy.envoy.config.accesslog.v3.RuntimeFilter r, String path,
      LongSupplier random) throws ConfigException {
    FractionalPercent p = r.getPercentSampled();
    long denominator;
    switch (p.getDenominator()) {
      case HUNDRED:
        denominator = 100;
        break;
      case TEN_THOUSAND:
        denominator = 10_000;
        break;
      case MILLION:
        denominator = 1_000_000;
        break;
      default:
        throw new ConfigException(path + ".percent_sampled.denominator", "unknown denominator");
    }
    long numerator = Math.min(Integer.toUnsignedLong(p.getNumerator()), denominator);
    return new RuntimeFilter(numerator, denominator, r.getUseIndependentRandomness(), random);
  }

  private static AccessLogFilter[] all(List<io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter> protos,
      String path, LongSupplier random) throws ConfigException {
    if (protos.size() < 2) {
      throw new ConfigException(path, "needs at least 2 filters");
    }
    AccessLogFilter[] out = new AccessLogFilter[protos.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = build(protos.get(i), path + "[" + i + "]", random);
    }
    return out;
  }

  private static AccessLogFilter responseFlags(List<String> names, String path) throws ConfigException {
    long mask = 0;
    for (int i = 0; i < names.size(); i++) {
      ResponseFlag f = ResponseFlag.byShortName(names.get(i));
      if (f == null) {
        throw new ConfigException(path + "[" + i + "]", "unknown response flag '" + names.get(i) + "'");
      }
      mask |= f.bit();
    }
    return new ResponseFlagFilter(mask);
  }
}
