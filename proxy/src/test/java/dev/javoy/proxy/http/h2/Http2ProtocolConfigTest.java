package dev.javoy.proxy.http.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import org.junit.jupiter.api.Test;

/** {@code http2_protocol_options}: Envoy's defaults, the settings javoy announces, and what it rejects. */
class Http2ProtocolConfigTest {
  private static Http2ProtocolConfig create(Http2ProtocolOptions o) throws ConfigException {
    return Http2ProtocolConfig.create(o, "hcm.http2_protocol_options", false);
  }

  @Test
  void envoyDefaults() throws Exception {
    Http2ProtocolConfig c = create(Http2ProtocolOptions.getDefaultInstance());
    assertEquals(Integer.MAX_VALUE, c.maxConcurrentStreams);
    assertEquals(256 * 1024 * 1024, c.initialStreamWindowSize);
    assertEquals(256 * 1024 * 1024, c.initialConnectionWindowSize);
    assertEquals(4096, c.hpackTableSize);
    assertEquals(10_000, c.maxOutboundFrames);
    assertEquals(1_000, c.maxOutboundControlFrames);
    assertEquals(1, c.maxConsecutiveInboundFramesWithEmptyPayload);
    assertEquals(100, c.maxInboundPriorityFramesPerStream);
    assertEquals(10, c.maxInboundWindowUpdateFramesPerDataFrameSent);
    assertFalse(c.streamErrorOnInvalidHttpMessage);
    assertFalse(c.keepaliveEnabled());
    assertEquals(256 * 1024 * 1024 - 65535, c.connectionWindowIncrement());
  }

  @Test
  void settingsCarryTheConfiguredValues() throws Exception {
    Http2ProtocolConfig c = create(Http2ProtocolOptions.newBuilder()
        .setMaxConcurrentStreams(UInt32Value.of(100))
        .setInitialStreamWindowSize(UInt32Value.of(65536))
        .setHpackTableSize(UInt32Value.of(0))
        .build());
    var server = c.initialSettings(true, 60 * 1024);
    assertEquals(100L, server.maxConcurrentStreams());
    assertEquals(65536, server.initialWindowSize());
    assertEquals(0L, server.headerTableSize());
    assertEquals(60 * 1024L, server.maxHeaderListSize());
    assertEquals(Boolean.FALSE, c.initialSettings(false, 1024).pushEnabled());
  }

  @Test
  void overrideStreamErrorWinsOverTheHcmSetting() throws Exception {
    Http2ProtocolOptions o = Http2ProtocolOptions.newBuilder()
        .setOverrideStreamErrorOnInvalidHttpMessage(BoolValue.of(false)).build();
    assertFalse(Http2ProtocolConfig.create(o, "p", true).streamErrorOnInvalidHttpMessage);
    assertTrue(Http2ProtocolConfig.create(Http2ProtocolOptions.getDefaultInstance(), "p", true)
        .streamErrorOnInvalidHttpMessage);
  }

  @Test
  void keepalive() throws Exception {
    Http2ProtocolConfig c = create(Http2ProtocolOptions.newBuilder().setConnectionKeepalive(KeepaliveSettings
        .newBuilder().setInterval(Duration.newBuilder().setSeconds(30)).setTimeout(Duration.newBuilder().setSeconds(5)))
        .build());
    assertTrue(c.keepaliveEnabled());
    assertEquals(30_000, c.keepaliveIntervalMillis);
    assertEquals(5_000, c.keepaliveTimeoutMillis);
  }

  @Test
  void rejectsWhatJavoyDoesNotImplement() throws Exception {
    Http2ProtocolConfig connect = create(Http2ProtocolOptions.newBuilder().setAllowConnect(true).build());
    assertTrue(connect.allowConnect);
    assertTrue(connect.initialSettings(true, 1024).connectProtocolEnabled());
    assertEquals(null, create(Http2ProtocolOptions.getDefaultInstance()).initialSettings(true, 1024)
        .connectProtocolEnabled());
    assertThrows(ConfigException.class, () -> create(Http2ProtocolOptions.newBuilder().setAllowMetadata(true).build()));
    ConfigException idle = assertThrows(ConfigException.class, () -> create(Http2ProtocolOptions.newBuilder()
        .setConnectionKeepalive(KeepaliveSettings.newBuilder().setTimeout(Duration.newBuilder().setSeconds(1))
            .setConnectionIdleInterval(Duration.newBuilder().setSeconds(1)))
        .build()));
    assertTrue(idle.getMessage().contains("connection_keepalive.connection_idle_interval"), idle.getMessage());
  }

  @Test
  void rejectsOutOfRangeValues() {
    assertThrows(ConfigException.class, () -> create(Http2ProtocolOptions.newBuilder()
        .setInitialStreamWindowSize(UInt32Value.of(1000)).build()));
    assertThrows(ConfigException.class, () -> create(Http2ProtocolOptions.newBuilder()
        .setMaxConcurrentStreams(UInt32Value.of(0)).build()));
    assertThrows(ConfigException.class, () -> create(Http2ProtocolOptions.newBuilder()
        .setMaxOutboundFrames(UInt32Value.of(0)).build()));
  }
}
