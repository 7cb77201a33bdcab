package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http2.Http2Headers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining HTTP/2 connections ({@code /drain_listeners}): every connection gets a GOAWAY; an idle one closes
 * at once, one with a stream in flight closes after that stream's response.
 */
class Http2DrainTest {
  @TempDir
  Path dir;

  @Test
  void drainSendsGoawayAndLetsStreamsFinish() throws Exception {
    try (Http2Fixture fx = new Http2Fixture(dir);
        RawH2Connection idle = RawH2Connection.open(fx.h2Port);
        RawH2Connection busy = RawH2Connection.open(fx.h2Port)) {
      assertEquals(200, idle.get(1, "/direct"));
      busy.headers(1, RawH2Connection.request("GET", "/slow/drain"), true);
      Thread.sleep(300); // the slow request is in flight
      assertEquals(200, fx.javoy.adminPost("/drain_listeners").statusCode());

      assertNotNull(readUntil(idle, RawH2Connection.GOAWAY), "the idle connection gets a GOAWAY");
      assertTrue(idle.awaitClose(5_000), "the idle connection closes");

      assertNotNull(readUntil(busy, RawH2Connection.GOAWAY), "the busy connection gets a GOAWAY");
      RawH2Connection.Frame f = readUntil(busy, RawH2Connection.HEADERS);
      Http2Headers h = busy.decode(f);
      assertEquals("200", h.status().toString(), "the in-flight stream still gets its response");
      assertTrue(busy.awaitClose(5_000), "the busy connection closes after its last stream");
      assertTrue(fx.stat("http.h2in.downstream_cx_drain_close") >= 2);
      assertTrue(fx.stat("http2.goaway_sent") >= 2);
    }
  }

  private static RawH2Connection.Frame readUntil(RawH2Connection c, int type) throws Exception {
    RawH2Connection.Frame f;
    while ((f = c.readFrame()) != null) {
      if (f.type() == type) {
        return f;
      }
    }
    return null;
  }
}
