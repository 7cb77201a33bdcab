package dev.javoy.filters.http.compressor;

import dev.javoy.proxy.stream.StreamInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The compressor filters of one stream in chain order, and the encoding decision they share. Envoy keeps both
 * in the stream's filter state; javoy's {@link StreamInfo} has none, so the filters of a stream find each
 * other while the connection manager creates them, one after another on the stream's thread, through a
 * thread-local naming the chain being formed and its stream. The last filter of the chain to go clears it.
 */
final class CompressorChain {
  private record Forming(StreamInfo stream, CompressorChain chain) {}

  private static final ThreadLocal<Forming> FORMING = new ThreadLocal<>();

  private final List<CompressorFilterConfig> configs = new ArrayList<>(4);
  private EncodingDecision decision;
  private int members;

  /** The chain of {@code stream}'s compressor filters, with {@code config} added to it. */
  static CompressorChain join(StreamInfo stream, CompressorFilterConfig config) {
    Forming f = FORMING.get();
    CompressorChain chain;
    if (f != null && f.stream == stream && stream != null) {
      chain = f.chain;
    } else {
      chain = new CompressorChain();
      FORMING.set(new Forming(stream, chain));
    }
    chain.configs.add(config);
    chain.members++;
    return chain;
  }

  List<CompressorFilterConfig> configs() {
    return configs;
  }

  /** The decision the first filter to decide took for the stream, or null. */
  EncodingDecision decision() {
    return decision;
  }

  void decide(EncodingDecision d) {
    decision = d;
  }

  /** One filter of the stream is destroyed; the last one stops the thread-local from holding the chain. */
  void leave() {
    if (--members == 0) {
      Forming f = FORMING.get();
      if (f != null && f.chain == this) {
        FORMING.remove();
      }
    }
  }
}
