package dev.javoy.filters.http.grpc_stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import org.junit.jupiter.api.Test;

/** {@code emit_filter_state}: the message counts reach access logs through {@code %FILTER_STATE%}. */
class GrpcStatsFilterStateTest {
  @Test
  void accessLogsPrintTheCountsPlainAndTyped() throws Exception {
    StreamInfo info = new StreamInfo();
    GrpcStatsObject o = new GrpcStatsObject();
    o.requestMessageCount = 3;
    o.responseMessageCount = 5;
    info.filterState().set(GrpcStatsObject.KEY, o);
    assertEquals("3,5", SubstitutionFormatStrings.text("%FILTER_STATE(envoy.filters.http.grpc_stats:PLAIN)%", "f")
        .format(info, ""));
    assertEquals("{\"requestMessageCount\":\"3\",\"responseMessageCount\":\"5\"}",
        SubstitutionFormatStrings.text("%FILTER_STATE(envoy.filters.http.grpc_stats)%", "f").format(info, ""));
    assertEquals("-", SubstitutionFormatStrings.text("%FILTER_STATE(other:PLAIN)%", "f").format(info, ""));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%FILTER_STATE(k:BAD)%", "f"));
  }
}
