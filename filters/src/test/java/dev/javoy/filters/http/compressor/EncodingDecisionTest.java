package dev.javoy.filters.http.compressor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javoy.filters.compression.Codecs;
import dev.javoy.filters.compression.FilterHarness;
import dev.javoy.filters.http.compressor.EncodingDecision.HeaderStat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's choice of encoding from accept-encoding, the response media type and the chain's compressors. */
class EncodingDecisionTest {
  private final FilterHarness harness = new FilterHarness();

  private CompressorFilterConfig compressor(Codecs codec, String more) throws Exception {
    return (CompressorFilterConfig) harness.httpFilter(CompressorFilterTest.config(codec, more));
  }

  private List<CompressorFilterConfig> gzipOnly() throws Exception {
    return List.of(compressor(Codecs.GZIP, ""));
  }

  /** Istio's order: brotli, zstd, gzip. */
  private List<CompressorFilterConfig> istio() throws Exception {
    return List.of(compressor(Codecs.BROTLI, ""), compressor(Codecs.ZSTD, ""), compressor(Codecs.GZIP, ""));
  }

  private static EncodingDecision decide(String accept, List<CompressorFilterConfig> chain) {
    return EncodingDecision.choose(accept, "text/html", chain);
  }

  @Test
  void singleCompressor() throws Exception {
    var gzip = gzipOnly();
    assertEquals(new EncodingDecision("gzip", HeaderStat.VALID_COMPRESSOR), decide("gzip", gzip));
    assertEquals(new EncodingDecision("gzip", HeaderStat.VALID_COMPRESSOR), decide(" deflate , GZIP ;q=0.5", gzip));
    assertEquals(new EncodingDecision("gzip", HeaderStat.WILDCARD), decide("*", gzip));
    assertEquals(new EncodingDecision("identity", HeaderStat.IDENTITY), decide("identity", gzip));
    assertEquals(new EncodingDecision("identity", HeaderStat.IDENTITY), decide("gzip;q=0.5, identity", gzip));
    assertEquals(new EncodingDecision("identity", HeaderStat.NOT_VALID), decide("br", gzip));
    assertEquals(new EncodingDecision("identity", HeaderStat.NOT_VALID), decide("", gzip));
    assertEquals(new EncodingDecision("identity", HeaderStat.NOT_VALID), decide("gzip;q=0", gzip));
    // Envoy's docs: gzip;q=0,*;q=1 does not compress; *;q=0,gzip;q=1 does
    assertEquals(new EncodingDecision("identity", HeaderStat.NOT_VALID), decide("gzip;q=0,*;q=1", gzip));
    assertEquals(new EncodingDecision("gzip", HeaderStat.VALID_COMPRESSOR), decide("*;q=0,gzip;q=1", gzip));
    // an unreadable q-value drops the item
    assertEquals(new EncodingDecision("identity", HeaderStat.NOT_VALID), decide("gzip;q=high", gzip));
    // other parameters are not q-values
    assertEquals(new EncodingDecision("gzip", HeaderStat.VALID_COMPRESSOR), decide("gzip;level=1", gzip));
  }

  @Test
  void chainOfCompressors() throws Exception {
    var chain = istio();
    assertEquals("gzip", decide("gzip, deflate, br", chain).encoding(), "equal weights: the first listed");
    assertEquals("br", decide("br, gzip", chain).encoding());
    assertEquals("zstd", decide("gzip;q=0.5, zstd;q=0.8, br;q=0.7", chain).encoding());
    assertEquals(new EncodingDecision("br", HeaderStat.WILDCARD), decide("*", chain), "wildcard: first registered");
    assertEquals(new EncodingDecision("zstd", HeaderStat.WILDCARD), decide("br;q=0, *", chain));
  }

  @Test
  void chooseFirstWinsTiesAndMediaTypesNarrowTheChain() throws Exception {
    var chain = List.of(compressor(Codecs.GZIP, ""), compressor(Codecs.BROTLI, "\"choose_first\": true"));
    assertEquals("br", decide("gzip, br", chain).encoding());
    var byType = List.of(
        compressor(Codecs.GZIP, "\"response_direction_config\": {\"common_config\": {\"content_type\":"
            + " [\"text/html\"]}}"),
        compressor(Codecs.BROTLI, "\"response_direction_config\": {\"common_config\": {\"content_type\":"
            + " [\"application/javascript\"]}}"));
    assertEquals("br", EncodingDecision.choose("gzip, br;q=0.5", "application/javascript", byType).encoding());
    assertEquals("gzip", EncodingDecision.choose("gzip;q=0.5, br", "text/html", byType).encoding());
  }
}
