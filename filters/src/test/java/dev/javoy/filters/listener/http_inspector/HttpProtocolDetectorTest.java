package dev.javoy.filters.listener.http_inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javoy.filters.listener.http_inspector.HttpProtocolDetector.Result;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpProtocolDetectorTest {
  private static Result detect(String s) {
    return HttpProtocolDetector.detect(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
  }

  @Test
  void http11AndHttp10RequestLines() {
    assertEquals(Result.HTTP11, detect("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertEquals(Result.HTTP10, detect("POST /a?b=c HTTP/1.0\r\n"));
    assertEquals(Result.HTTP11, detect("OPTIONS * HTTP/1.1\r\n"));
  }

  @Test
  void http2Preface() {
    assertEquals(Result.HTTP2, detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    assertEquals(Result.NEED_MORE, detect("PRI * HTTP/2.0\r\n\r\nSM"));
  }

  @Test
  void everyPrefixOfARequestLineNeedsMore() {
    String line = "GET /index.html HTTP/1.1\r\n";
    for (int n = 0; n < line.length(); n++) {
      assertEquals(Result.NEED_MORE, detect(line.substring(0, n)), "prefix " + n);
    }
  }

  @Test
  void notHttpAsEarlyAsTheBytesShow() {
    assertEquals(Result.NOT_HTTP, detect("\u0016\u0003\u0001"));
    assertEquals(Result.NOT_HTTP, detect("SSH-2.0-OpenSSH\r\n"));
    assertEquals(Result.NOT_HTTP, detect("GET / HTTP/2.0\r\n"));
    assertEquals(Result.NOT_HTTP, detect("GET / FTP/1.1\r\n"));
    assertEquals(Result.NOT_HTTP, detect("GET  / HTTP/1.1\r\n"));
    assertEquals(Result.NOT_HTTP, detect("GET / HTTP/1.1\n"));
    assertEquals(Result.NOT_HTTP, detect("GET / HTTP/1.2\r\n"));
  }
}
