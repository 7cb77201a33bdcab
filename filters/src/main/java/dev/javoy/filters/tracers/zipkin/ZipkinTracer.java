package dev.javoy.filters.tracers.zipkin;

import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.WorkerThread;
import dev.javoy.proxy.tracing.Span;
import dev.javoy.proxy.tracing.TraceReason;
import dev.javoy.proxy.tracing.Tracer;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Envoy's Zipkin driver: starts spans from B3 context (a server span joins the client's span id under
 * {@code shared_span_context}, the default; otherwise it is its child; a client span is always a child), new
 * traces with 64- or 128-bit ids ({@code trace_id_128bit}), sampling from {@code x-b3-sampled}/{@code b3} when
 * present, else the connection manager's decision. Each worker has its own {@link ZipkinReporter}, created with its
 * first span, so nothing runs until a span is reported.
 */
final class ZipkinTracer implements Tracer {
  final String collectorCluster;
  final String collectorEndpoint;
  final String collectorHostname;
  final boolean traceId128;
  final boolean sharedSpanContext;
  final ZipkinStats stats;
  final ClusterManager clusters;
  /** {@code localEndpoint}: the local cluster name and address (Envoy's {@code LocalInfo}). */
  final String serviceName;
  final String ipv4;
  private final AtomicReferenceArray<ZipkinReporter> reporters;

  ZipkinTracer(ZipkinConfig c, FactoryContext ctx) {
    this.collectorCluster = c.getCollectorCluster();
    this.collectorEndpoint = c.getCollectorEndpoint();
    this.collectorHostname = c.getCollectorHostname().isEmpty() ? c.getCollectorCluster() : c.getCollectorHostname();
    this.traceId128 = c.getTraceId128Bit();
    this.sharedSpanContext = !c.hasSharedSpanContext() || c.getSharedSpanContext().getValue();
    this.stats = new ZipkinStats(ctx.stats().scope("tracing.zipkin."));
    this.clusters = ctx.clusterManager();
    this.serviceName = ctx.localNode().getCluster();
    this.ipv4 = localIpv4();
    this.reporters = new AtomicReferenceArray<>(Math.max(1, ctx.options().concurrency()));
  }

  @Override
  public Span startSpan(boolean egress, HttpHeaders headers, String operationName, long startEpochMicros,
      TraceReason decision) {
    ZipkinSpanContext previous;
    Boolean propagatedSampled;
    try {
      previous = B3Propagation.extract(headers);
      propagatedSampled = B3Propagation.sampled(headers);
    } catch (B3Propagation.InvalidB3 e) {
      return Span.NULL; // Envoy does not trace a request with malformed B3 headers
    }
    boolean sampled = propagatedSampled != null ? propagatedSampled : decision.traced();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (previous == null) {
      long id = nonZero(random);
      long high = traceId128 ? nonZero(random) : 0;
      return new ZipkinSpan(this, operationName, high, id, id, 0, egress, false, sampled, startEpochMicros);
    }
    if (!egress && sharedSpanContext) {
      return new ZipkinSpan(this, operationName, previous.traceIdHigh(), previous.traceId(), previous.spanId(),
          previous.parentId(), false, true, sampled, startEpochMicros);
    }
    return new ZipkinSpan(this, operationName, previous.traceIdHigh(), previous.traceId(), nonZero(random),
        previous.spanId(), egress, false, sampled, startEpochMicros);
  }

  private static long nonZero(ThreadLocalRandom r) {
    long v;
    do {
      v = r.nextLong();
    } while (v == 0);
    return v;
  }

  /** Hands a finished, sampled span to the calling worker's reporter (spans finish on worker loops only). */
  void report(ZipkinSpan span) {
    int i = WorkerThread.currentIndex();
    if (i < 0 || i >= reporters.length()) {
      return; // not a worker: nothing to report it with
    }
    ZipkinReporter r = reporters.get(i);
    if (r == null) {
      if (!(io.netty.util.internal.ThreadExecutorMap.currentExecutor() instanceof io.netty.channel.EventLoop loop)) {
        return;
      }
      r = new ZipkinReporter(this, loop);
      reporters.set(i, r);
    }
    r.add(span);
  }

  private static String localIpv4() {
    try {
      var ifaces = NetworkInterface.getNetworkInterfaces();
      while (ifaces != null && ifaces.hasMoreElements()) {
        NetworkInterface n = ifaces.nextElement();
        if (!n.isUp() || n.isLoopback()) {
          continue;
        }
        var addrs = n.getInetAddresses();
        while (addrs.hasMoreElements()) {
          InetAddress a = addrs.nextElement();
          if (a instanceof Inet4Address) {
            return a.getHostAddress();
          }
        }
      }
    } catch (java.net.SocketException e) {
      // fall through
    }
    return "127.0.0.1";
  }
}
