package dev.javoy.filters.tracers.zipkin;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker's span buffer (Envoy's Zipkin {@code ReporterImpl}): spans are sent as one report when
 * {@code min_flush_spans} (runtime {@code tracing.zipkin.min_flush_spans}, default 5) have gathered, and every
 * flush interval (runtime {@code tracing.zipkin.flush_interval_ms}, default 5 s) whatever is pending goes
 * ({@code timer_flushed}). Lives on its worker's event loop only.
 */
final class ZipkinReporter {
  static final int MIN_FLUSH_SPANS = 5;
  static final long FLUSH_INTERVAL_MILLIS = 5000;

  private final ZipkinTracer tracer;
  private final EventLoop loop;
  private final ZipkinCollectorClient client;
  private List<ZipkinSpan> pending = new ArrayList<>(MIN_FLUSH_SPANS);

  ZipkinReporter(ZipkinTracer tracer, EventLoop loop) {
    this.tracer = tracer;
    this.loop = loop;
    this.client = new ZipkinCollectorClient(tracer, loop);
    loop.schedule(this::onTimer, FLUSH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  void add(ZipkinSpan span) {
    pending.add(span);
    if (pending.size() >= MIN_FLUSH_SPANS) {
      flush();
    }
  }

  private void onTimer() {
    tracer.stats.timerFlushed.inc();
    flush();
    if (!loop.isShuttingDown()) {
      loop.schedule(this::onTimer, FLUSH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<ZipkinSpan> spans = pending;
    pending = new ArrayList<>(MIN_FLUSH_SPANS);
    tracer.stats.spansSent.add(spans.size());
    client.post(ZipkinJson.encode(spans, tracer.serviceName, tracer.ipv4));
  }
}
