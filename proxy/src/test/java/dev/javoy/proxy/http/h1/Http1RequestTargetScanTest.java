package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The request decoder finds the end of the request target eight bytes at a time ({@link LineBytes#firstSpaceOrControl});
 * the verdict must be the byte-at-a-time one: SP, HTAB, NUL, other control bytes and DEL at every position of targets
 * of every length around the word size, bytes of 0x80 and above accepted.
 */
class Http1RequestTargetScanTest {
  private static final byte[] SPECIAL = {' ', '\t', 0, 0x01, 0x1f, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xa0, 0x21,
      0x7e, '?', '%'};

  @Test
  void sameVerdictAsTheByteAtATimeCheck() {
    for (int len = 1; len <= 33; len++) {
      for (int at = 0; at < len; at++) {
        for (byte sp : SPECIAL) {
          byte[] target = new byte[len];
          for (int i = 0; i < len; i++) {
            target[i] = (byte) (i == 0 ? '/' : 'a' + i % 26);
          }
          target[at] = sp;
          String t = new String(target, StandardCharsets.ISO_8859_1);
          String head = "GET " + t + " HTTP/1.1\r\nHost: x\r\n\r\n";
          String expected = byteAtATime(head.getBytes(StandardCharsets.ISO_8859_1));
          EmbeddedChannel ch = new EmbeddedChannel(new Http1RequestDecoder(8192, true, m -> {}));
          ch.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
          HttpRequest req = ch.readInbound();
          String what = t.replace("\t", "\\t") + " @" + at;
          if (expected != null) {
            assertTrue(req.decoderResult().isFailure(), what);
            assertEquals(expected, req.decoderResult().cause().getMessage(), what);
          } else if (req.decoderResult().isSuccess()) {
            assertEquals(t, req.uri(), what);
          } else {
            String m = req.decoderResult().cause().getMessage();
            assertTrue(!m.equals("invalid request line") && !m.equals("invalid request target"), what + ": " + m);
          }
          ReferenceCountUtil.release(req);
          ch.finishAndReleaseAll();
        }
      }
    }
  }

  /** The request line's checks as they were, one byte at a time: its error, or null. */
  private static String byteAtATime(byte[] b) {
    int lineEnd = 0;
    while (b[lineEnd] != '\r') {
      lineEnd++;
    }
    int sp1 = indexOf(b, 0, lineEnd);
    int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, lineEnd);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || sp2 == lineEnd - 1) {
      return "invalid request line";
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      int c = b[i] & 0xff;
      if (c <= 0x20 || c == 0x7f) {
        return "invalid request target";
      }
    }
    return null;
  }

  private static int indexOf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == ' ') {
        return i;
      }
    }
    return -1;
  }
}
