package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 abuse against javoy as a process, with raw frames over a socket: each attack ends with the attacking
 * connection closed and Envoy's counter incremented, while a connection opened before the attack keeps
 * serving requests.
 */
class Http2FloodTest {
  @TempDir
  static Path dir;
  static Http2Fixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new Http2Fixture(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  /** Runs {@code attack} on a fresh connection and checks the outcome. */
  private static void assertAttackRepelled(int port, String counter, Attack attack) throws Exception {
    long before = fx.stat(counter);
    try (RawH2Connection bystander = RawH2Connection.open(port);
        RawH2Connection attacker = RawH2Connection.open(port, 4096)) {
      assertEquals(200, bystander.get(1, "/direct"), "bystander works before the attack");
      try {
        attack.run(attacker);
      } catch (IOException e) {
        // javoy closed the connection while we were still writing
      }
      assertTrue(attacker.awaitClose(10_000), "javoy closes the attacking connection");
      assertEquals(before + 1, fx.awaitStat(counter, before + 1), counter);
      assertEquals(200, bystander.get(3, "/direct"), "bystander still works after the attack");
    }
  }

  interface Attack {
    void run(RawH2Connection c) throws Exception;
  }

  private static byte[] repeat(byte[] frame, int times) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(frame.length * times);
    for (int i = 0; i < times; i++) {
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  /** PINGs sent without reading the ACKs: too many control frames queued ({@code outbound_control_flood}). */
  @Test
  void pingFlood() throws Exception {
    byte[] pings = repeat(RawH2Connection.frameBytes(RawH2Connection.PING, 0, 0, new byte[8]), 4000);
    assertAttackRepelled(fx.h2Port, "http2.outbound_control_flood", c -> {
      for (int i = 0; i < 1000; i++) { // until javoy hangs up
        c.write(pings);
      }
    });
  }

  @Test
  void settingsFlood() throws Exception {
    byte[] settings = repeat(RawH2Connection.frameBytes(RawH2Connection.SETTINGS, 0, 0, new byte[0]), 6000);
    assertAttackRepelled(fx.h2Port, "http2.outbound_control_flood", c -> {
      for (int i = 0; i < 1000; i++) { // until javoy hangs up
        c.write(settings);
      }
    });
  }

  /** With {@code max_outbound_frames: 100} (and a high control frame limit) the total count trips first. */
  @Test
  void outboundFrameFlood() throws Exception {
    byte[] pings = repeat(RawH2Connection.frameBytes(RawH2Connection.PING, 0, 0, new byte[8]), 4000);
    assertAttackRepelled(fx.limitsPort, "http2.outbound_flood", c -> {
      for (int i = 0; i < 1000; i++) { // until javoy hangs up
        c.write(pings);
      }
    });
  }

  /** DATA frames with nothing in them and no END_STREAM (Envoy allows one in a row by default). */
  @Test
  void emptyDataFrames() throws Exception {
    assertAttackRepelled(fx.h2Port, "http2.inbound_empty_frames_flood", c -> {
      c.headers(1, RawH2Connection.request("POST", "/hang/empty"), false);
      byte[] empty = RawH2Connection.frameBytes(RawH2Connection.DATA, 0, 1, new byte[0]);
      c.write(repeat(empty, 3));
    });
  }

  @Test
  void priorityFlood() throws Exception {
    byte[] priority = RawH2Connection.frameBytes(RawH2Connection.PRIORITY, 0, 3, new byte[] {0, 0, 0, 1, 16});
    assertAttackRepelled(fx.h2Port, "http2.inbound_priority_frames_flood", c -> c.write(repeat(priority, 150)));
  }

  @Test
  void windowUpdateFlood() throws Exception {
    byte[] update = RawH2Connection.frameBytes(RawH2Connection.WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 0, 1});
    assertAttackRepelled(fx.h2Port, "http2.inbound_window_update_frames_flood", c -> c.write(repeat(update, 20)));
  }

  /** HEADERS then RST_STREAM, over and over (CVE-2023-44487): Envoy's premature reset limit. */
  @Test
  void rapidReset() throws Exception {
    long rxResets = fx.stat("http2.rx_reset");
    assertAttackRepelled(fx.h2Port, "http.h2in.downstream_rq_too_many_premature_resets", c -> {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      byte[] rst = RawH2Connection.rstPayload(0x8);
      for (int i = 0; i < 400; i++) {
        int stream = 1 + 2 * i;
        burst.writeBytes(RawH2Connection.frameBytes(RawH2Connection.HEADERS,
            RawH2Connection.END_HEADERS | RawH2Connection.END_STREAM, stream,
            c.headerBlock(RawH2Connection.request("GET", "/hang/rapid"))));
        burst.writeBytes(RawH2Connection.frameBytes(RawH2Connection.RST_STREAM, 0, stream, rst));
      }
      c.write(burst.toByteArray());
    });
    assertTrue(fx.stat("http2.rx_reset") - rxResets >= 250, "every RST_STREAM counted");
  }

  /**
   * A request without {@code :path}: invalid messaging. Envoy's default (no
   * {@code override_stream_error_on_invalid_http_message}) ends the whole connection.
   */
  @Test
  void invalidMessagingClosesTheConnection() throws Exception {
    assertAttackRepelled(fx.h2Port, "http2.rx_messaging_error", c -> c.headers(1,
        new io.netty.handler.codec.http2.DefaultHttp2Headers().method("GET").scheme("http").authority("x"), true));
  }

  /** An upper-case header name: the codec's header validation rejects the stream, the connection goes too. */
  @Test
  void invalidHeaderNameClosesTheConnection() throws Exception {
    assertAttackRepelled(fx.h2Port, "http2.rx_messaging_error", c -> {
      byte[] block = c.headerBlock(RawH2Connection.request("GET", "/direct"));
      byte[] upper = {0x00, 4, 'X', '-', 'U', 'p', 1, 'v'}; // literal, new name "X-Up"
      byte[] all = java.util.Arrays.copyOf(block, block.length + upper.length);
      System.arraycopy(upper, 0, all, block.length, upper.length);
      c.frame(RawH2Connection.HEADERS, RawH2Connection.END_HEADERS | RawH2Connection.END_STREAM, 1, all);
    });
  }

  /** A header block that never ends: CONTINUATION after CONTINUATION (CVE-2024-27316 and friends). */
  @Test
  void continuationFlood() throws Exception {
    assertAttackRepelled(fx.h2Port, "http2.header_overflow", c -> {
      c.frame(RawH2Connection.HEADERS, 0, 1, c.headerBlock(RawH2Connection.request("GET", "/direct")));
      byte[] fragment = new byte[100];
      for (int i = 0; i < 200; i++) {
        c.frame(RawH2Connection.CONTINUATION, 0, 1, fragment);
      }
    });
  }

  /** A header block larger than {@code max_request_headers_kb} (60 KiB) plus a quarter, in few frames. */
  @Test
  void oversizedHeaderBlock() throws Exception {
    assertAttackRepelled(fx.h2Port, "http2.header_overflow", c -> {
      c.frame(RawH2Connection.HEADERS, 0, 1, c.headerBlock(RawH2Connection.request("GET", "/direct")));
      byte[] fragment = new byte[16384];
      for (int i = 0; i < 6; i++) {
        c.frame(RawH2Connection.CONTINUATION, 0, 1, fragment);
      }
    });
  }
}
