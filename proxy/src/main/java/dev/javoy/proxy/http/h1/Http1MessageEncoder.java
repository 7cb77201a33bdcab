package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The part of javoy's HTTP/1.1 encoders that both sides share: a message head goes out as one pooled buffer sized
 * exactly (start line, then each header as written by the formatter before it, then CRLF), and the body by its
 * framing: as is, chunked (each piece with its size line; the last chunk with the trailers), or dropped when the
 * message can have none (a response to HEAD, 1xx, 204, 304). A small body piece written with the head, or a small
 * chunk, is copied into the same buffer so the socket write has one buffer fewer. Anything that is not an HTTP
 * object (a {@code ByteBuf} written by a tunnel) passes through.
 */
public abstract class Http1MessageEncoder extends ChannelOutboundHandlerAdapter {
  private static final int INIT = 0;
  private static final int AS_IS = 1;
  private static final int CHUNKED = 2;
  private static final int EMPTY = 3;
  /** Body pieces up to this size are copied next to the head or chunk line instead of written as their own buffer. */
  private static final int COPY_MAX = 1024;
  private static final short CRLF = ('\r' << 8) | '\n';
  private static final short COLON_SP = (':' << 8) | ' ';
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

  private int state = INIT;
  private boolean direct;

  /** The start line's length in bytes (with its CRLF). */
  protected abstract int startLineLength(HttpMessage m);

  /** Writes the start line (with its CRLF). */
  protected abstract void writeStartLine(HttpMessage m, ByteBuf out);

  /** Whether the message has no body whatever its headers say; may fix its headers (Netty's sanitizing). */
  protected abstract boolean contentAlwaysEmpty(HttpMessage m);

  /**
   * A head written with a void promise, held until the next write so that a small first body piece joins it in
   * one buffer (the connection manager writes a response's head, then its body); any other write, a flush or a
   * close sends it first.
   */
  private ByteBuf pendingHead;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpMessage m) {
      sendPending(ctx);
      if (state != INIT) {
        io.netty.util.ReferenceCountUtil.release(msg);
        promise.setFailure(new EncoderException("unexpected message head while a body is being written"));
        return;
      }
      boolean empty = contentAlwaysEmpty(m);
      state = empty ? EMPTY : HttpUtil.isTransferEncodingChunked(m) ? CHUNKED : AS_IS;
      int extra = 0;
      if (state != EMPTY) {
        if (msg instanceof HttpContent c) {
          extra = c.content().readableBytes() <= COPY_MAX ? c.content().readableBytes() + 16 : 0;
        } else if (promise.isVoid()) {
          extra = expectedSmallBody(m);
        }
      }
      ByteBuf head = encodeHead(ctx, m, extra);
      if (msg instanceof HttpContent c) {
        writeContent(ctx, head, c, promise);
      } else if (promise.isVoid() && state != EMPTY) {
        pendingHead = head;
      } else {
        send(ctx, head, promise);
      }
      return;
    }
    if (msg instanceof HttpContent c) {
      ByteBuf head = pendingHead;
      pendingHead = null;
      writeContent(ctx, head, c, promise);
      return;
    }
    sendPending(ctx);
    ctx.write(msg, promise);
  }

  /** Room for the body next to the head: its Content-Length when small, else a chunk line and a small chunk. */
  private int expectedSmallBody(HttpMessage m) {
    if (state == CHUNKED) {
      return COPY_MAX / 2 + 16;
    }
    HttpHeaders h = m.headers();
    if (h instanceof FlatHttpHeaders f) { // read in place: a value only forwarded stays a span of its head
      int i = f.firstIndexOf(HttpHeaderNames.CONTENT_LENGTH);
      int n = i < 0 ? 5 : f.valueLength(i);
      if (n > 4) {
        return 0;
      }
      int cl = 0;
      for (int j = 0; j < n; j++) {
        char c = f.valueCharAt(i, j);
        if (c < '0' || c > '9') {
          return 0;
        }
        cl = cl * 10 + (c - '0');
      }
      return cl <= COPY_MAX ? cl : 0;
    }
    CharSequence v = h.get(HttpHeaderNames.CONTENT_LENGTH);
    if (v == null || v.length() > 4) {
      return 0;
    }
    int cl = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      cl = cl * 10 + (c - '0');
    }
    return cl <= COPY_MAX ? cl : 0;
  }

  private void sendPending(ChannelHandlerContext ctx) {
    ByteBuf head = pendingHead;
    if (head != null) {
      pendingHead = null;
      send(ctx, head, ctx.voidPromise());
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    sendPending(ctx);
    if (direct) {
      ctx.channel().unsafe().flush();
    } else {
      ctx.flush();
    }
  }

  /**
   * Whether the encoded bytes go straight to the channel's transport ({@code Channel.Unsafe}) rather than through
   * the pipeline before {@code ctx}: for a caller that knows no outbound handler sits between {@code ctx} and the
   * pipeline's head (whose write and flush do just that), so the per-write search for the next outbound handler
   * and its checks are skipped.
   */
  public final void writeDirectly(boolean direct) {
    this.direct = direct;
  }

  private void send(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (direct) {
      ctx.channel().unsafe().write(msg, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    sendPending(ctx);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    sendPending(ctx);
  }

  private ByteBuf encodeHead(ChannelHandlerContext ctx, HttpMessage m, int extra) {
    HttpHeaders h = m.headers();
    if (h instanceof FlatHttpHeaders f) {
      // the header lines into the thread's scratch array in one pass (no pass for the size first), then one copy
      // into a buffer of the size now known: one bounds and access check for the whole block instead of four per
      // header
      byte[] d = HeadScratch.get();
      int p = headerLines(f, d);
      if (p >= 0) {
        ByteBuf buf = ctx.alloc().buffer(startLineLength(m) + p + extra);
        writeStartLine(m, buf);
        buf.writeBytes(d, 0, p);
        return buf;
      }
    }
    int size = startLineLength(m) + 2 + extra;
    if (h instanceof FlatHttpHeaders f) {
      for (int i = 0, n = f.size(); i < n; i++) {
        size += f.nameAt(i).length() + f.valueLength(i) + 4;
      }
    } else {
      for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> e = it.next();
        size += e.getKey().length() + e.getValue().length() + 4;
      }
    }
    ByteBuf buf = ctx.alloc().buffer(size);
    writeStartLine(m, buf);
    writeHeaders(h, buf);
    buf.writeShort(CRLF);
    return buf;
  }

  /**
   * Writes every header line of {@code f} and the empty line into {@code d} from 0; returns the length, or -1 when they
   * do not fit ({@link HeadScratch#MAX}: the caller writes them to the buffer instead).
   */
  static int headerLines(FlatHttpHeaders f, byte[] d) {
    int p = 0;
    int limit = d.length - 2; // room for the empty line
    for (int i = 0, n = f.size(); i < n; i++) {
      CharSequence name = f.nameAt(i);
      if (p + name.length() + 4 > limit) {
        return -1;
      }
      p = put(name, d, p);
      d[p] = ':';
      d[p + 1] = ' ';
      p = f.putValueWithin(i, d, p + 2, limit - 2); // the value's length read once, with its copy
      if (p < 0) {
        return -1;
      }
      d[p] = '\r';
      d[p + 1] = '\n';
      p += 2;
    }
    d[p] = '\r';
    d[p + 1] = '\n';
    return p + 2;
  }

  /** Copies {@code s} into {@code d} at {@code p} (chars above 0xFF as '?', as {@code ByteBufUtil.writeAscii}); returns the end. */
  static int put(CharSequence s, byte[] d, int p) {
    if (s instanceof AsciiString a) {
      int n = a.length();
      System.arraycopy(a.array(), a.arrayOffset(), d, p, n);
      return p + n;
    }
    if (s instanceof UuidHeaderValue u) {
      return u.put(d, p);
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      d[p + i] = AsciiString.c2b(s.charAt(i));
    }
    return p + s.length();
  }

  /** Writes every header line of {@code h}. */
  static void writeHeaders(HttpHeaders h, ByteBuf buf) {
    if (h instanceof FlatHttpHeaders f) {
      for (int i = 0, n = f.size(); i < n; i++) {
        write(f.nameAt(i), buf);
        buf.writeShort(COLON_SP);
        f.writeValue(i, buf);
        buf.writeShort(CRLF);
      }
    } else {
      for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> e = it.next();
        writeHeader(e.getKey(), e.getValue(), buf);
      }
    }
  }

  private static void writeHeader(CharSequence name, CharSequence value, ByteBuf buf) {
    write(name, buf);
    buf.writeShort(COLON_SP);
    write(value, buf);
    buf.writeShort(CRLF);
  }

  static void write(CharSequence s, ByteBuf buf) {
    if (s instanceof AsciiString a) {
      ByteBufUtil.copy(a, buf);
    } else {
      ByteBufUtil.writeAscii(buf, s); // chars up to 0xFF as one byte each (ISO-8859-1)
    }
  }

  private void writeContent(ChannelHandlerContext ctx, ByteBuf head, HttpContent c, ChannelPromise promise) {
    boolean last = c instanceof LastHttpContent;
    ByteBuf data = c.content();
    switch (state) {
      case AS_IS -> {
        if (last) {
          state = INIT;
        }
        writeData(ctx, head, data, promise);
      }
      case CHUNKED -> {
        if (last) {
          state = INIT;
        }
        writeChunk(ctx, head, data, last ? ((LastHttpContent) c).trailingHeaders() : null, promise);
      }
      case EMPTY -> {
        if (last) {
          state = INIT;
        }
        c.release();
        send(ctx, head != null ? head : Unpooled.EMPTY_BUFFER, promise);
      }
      default -> {
        c.release();
        if (head != null) {
          head.release();
        }
        promise.setFailure(new EncoderException("body without a message head"));
      }
    }
  }

  private void writeData(ChannelHandlerContext ctx, ByteBuf head, ByteBuf data, ChannelPromise promise) {
    if (head == null) {
      send(ctx, data, promise);
      return;
    }
    int n = data.readableBytes();
    if (n <= head.writableBytes()) {
      if (n > 0) {
        copy(data, head, n);
      }
      data.release();
      send(ctx, head, promise);
      return;
    }
    send(ctx, head, ctx.voidPromise());
    send(ctx, data, promise);
  }

  private void writeChunk(ChannelHandlerContext ctx, ByteBuf head, ByteBuf data, HttpHeaders trailers,
      ChannelPromise promise) {
    int n = data.readableBytes();
    boolean end = trailers != null;
    if (n == 0 && !end) {
      data.release();
      send(ctx, head != null ? head : Unpooled.EMPTY_BUFFER, promise);
      return;
    }
    int tail = end ? 3 + trailerBytes(trailers) + 2 : 0;
    if (n > 0 && n <= COPY_MAX) {
      // size line, data, CRLF (and the last chunk) in one buffer: the head's, if it has the room
      int need = 10 + n + 2 + tail;
      ByteBuf out = head != null && head.writableBytes() >= need ? head : null;
      if (out == null) {
        if (head != null) {
          send(ctx, head, ctx.voidPromise());
        }
        out = ctx.alloc().buffer(need);
      }
      writeSizeLine(out, n);
      copy(data, out, n);
      data.release();
      out.writeShort(CRLF);
      if (end) {
        writeLastChunk(out, trailers);
      }
      send(ctx, out, promise);
      return;
    }
    ByteBuf pre = head;
    if (n > 0) {
      if (pre == null) {
        pre = ctx.alloc().buffer(10);
      } else if (pre.writableBytes() < 10) {
        send(ctx, pre, ctx.voidPromise());
        pre = ctx.alloc().buffer(10);
      }
      writeSizeLine(pre, n);
      send(ctx, pre, ctx.voidPromise());
      send(ctx, data, ctx.voidPromise());
      ByteBuf post = ctx.alloc().buffer(2 + tail);
      post.writeShort(CRLF);
      if (end) {
        writeLastChunk(post, trailers);
      }
      send(ctx, post, promise);
      return;
    }
    data.release();
    ByteBuf out = pre != null && pre.writableBytes() >= tail ? pre : null;
    if (out == null) {
      if (pre != null) {
        send(ctx, pre, ctx.voidPromise());
      }
      out = ctx.alloc().buffer(tail);
    }
    writeLastChunk(out, trailers);
    send(ctx, out, promise);
  }

  /**
   * Copies {@code n} readable bytes of {@code data} to the end of {@code out}. Through the source's
   * {@code getBytes}: a received slice's {@code writeBytes} into a pooled buffer made two NIO buffer views per call.
   */
  private static void copy(ByteBuf data, ByteBuf out, int n) {
    int w = out.writerIndex();
    data.getBytes(data.readerIndex(), out, w, n);
    out.writerIndex(w + n);
  }

  private static int trailerBytes(HttpHeaders trailers) {
    if (trailers.isEmpty()) {
      return 0;
    }
    int size = 0;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      size += e.getKey().length() + e.getValue().length() + 4;
    }
    return size;
  }

  private static void writeLastChunk(ByteBuf out, HttpHeaders trailers) {
    out.writeBytes(LAST_CHUNK);
    if (!trailers.isEmpty()) {
      writeHeaders(trailers, out);
    }
    out.writeShort(CRLF);
  }

  private static void writeSizeLine(ByteBuf out, int n) {
    int digits = (32 - Integer.numberOfLeadingZeros(n) + 3) / 4;
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.writeByte("0123456789abcdef".charAt((n >>> shift) & 0xf));
    }
    out.writeShort(CRLF);
  }
}
