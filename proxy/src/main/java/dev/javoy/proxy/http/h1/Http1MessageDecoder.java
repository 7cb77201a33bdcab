package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of javoy's HTTP/1.1 decoders that both sides share: the message body by its framing (RFC 9112 section
 * 6: {@code Content-Length}, chunked with trailers, or until the connection closes), read in place from the
 * received buffer. Each body piece is a retained slice of the input, no copy; a fixed-length body ends with a
 * {@link DefaultLastHttpContent} holding its last piece, a chunked one with an empty {@link LastHttpContent}
 * (with the trailers, if any). Subclasses decode the head ({@link #decodeHead}) and choose the framing.
 * <p>
 * A malformed message becomes one message whose {@link DecoderResult} is a failure, after which every further byte
 * is dropped (the connection is closing), as Netty's decoders do.
 * <p>
 * It keeps its own cumulation (what {@link ByteToMessageDecoder} did for it, without a pipeline event per message):
 * the messages a read decodes are handed to the connection's {@link MessageReceiver} by a direct call, in order,
 * once the read's bytes are decoded (so each message sees the decoder's state after all of them, as before), or
 * passed down the pipeline when no receiver is set. Bytes left when the decoder is removed (an upgrade or CONNECT
 * tunnel takes over) go down the pipeline, after the messages of that read; the close and the input's shutdown
 * end a body read until the close ({@link #decodeLast}); the cumulation is released on close and on removal.
 */
public abstract class Http1MessageDecoder extends ChannelInboundHandlerAdapter {
  /** The handler right after the decoder, which takes its messages by a direct call instead of a pipeline event. */
  public interface MessageReceiver {
    /** One decoded message (head, body piece, end, or after a switch raw bytes); the receiver owns it. */
    void messageReceived(Object msg);
  }

  protected static final int HEAD = 0;
  private static final int FIXED = 1;
  private static final int CHUNK_SIZE = 2;
  private static final int CHUNK_DATA = 3;
  private static final int CHUNK_CRLF = 4;
  private static final int TRAILERS = 5;
  private static final int UNTIL_CLOSE = 6;
  private static final int BAD = 7;
  /** After the head of a message whose body cannot be framed: the peer is refused and everything dropped. */
  protected static final int DISCARD = 8;
  /** Switched protocols: bytes pass through untouched. */
  protected static final int PASS = 9;
  /** A chunk-size line longer than this is refused (hex digits and extensions). */
  private static final int MAX_CHUNK_LINE = 4096;

  protected final boolean lowerCaseNames;
  private final Http1HeadScanner trailerScanner;
  protected int state = HEAD;
  private long remaining;
  /** Received bytes not decoded yet (a partial head or chunk-size line), or null. */
  private ByteBuf cumulation;
  /** The messages of the read being decoded, handed on once it is decoded. */
  private final ArrayList<Object> out = new ArrayList<>(4);
  private MessageReceiver receiver;
  /** Messages are being handed on: a removal then waits until they all are. */
  private boolean delivering;
  private boolean removedWhileDelivering;
  /** Whether this read produced a message (else, with auto-read off, the decoder asks for more bytes). */
  private boolean producedMessage;
  private boolean readByteBuf;
  /** The cumulation is the buffer of the last read itself (its bytes are not ours to move). */
  private boolean cumulationIsLastRead;

  protected Http1MessageDecoder(int maxHeaderBytes, boolean lowerCaseNames) {
    this.lowerCaseNames = lowerCaseNames;
    this.trailerScanner = new Http1HeadScanner(maxHeaderBytes, maxHeaderBytes, false);
  }

  /**
   * Decodes a head if the buffer holds all of it: adds the message to {@code out} and sets the body's framing with
   * one of the {@code expect*} methods. Returns false when more bytes are needed.
   */
  protected abstract boolean decodeHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out);

  /** The message (head) to report a failure with, when the head itself failed. */
  protected abstract Object invalidMessage(Exception cause);

  /** The message's body is the next {@code length} bytes (none: the message ends at once). */
  protected final void expectFixedLength(long length, List<Object> out) {
    if (length == 0) {
      out.add(LastHttpContent.EMPTY_LAST_CONTENT);
      state = HEAD;
    } else {
      remaining = length;
      state = FIXED;
    }
  }

  protected final void expectChunked() {
    state = CHUNK_SIZE;
  }

  /** The body runs until the peer closes the connection (a response without framing). */
  protected final void expectUntilClose() {
    state = UNTIL_CLOSE;
  }

  /** Called after each message's end; the next head may follow. */
  protected void messageEnded() {}

  /**
   * The handler that takes the decoded messages by a direct call: it must be the next inbound handler of the
   * pipeline (the messages skip nothing). None (the default): messages go down the pipeline.
   */
  public final void deliverTo(MessageReceiver receiver) {
    this.receiver = receiver;
  }

  /** Whether received bytes wait for more to complete what they start. */
  protected final boolean hasBufferedBytes() {
    return cumulation != null && cumulation.isReadable();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof ByteBuf data)) {
      ctx.fireChannelRead(msg);
      return;
    }
    readByteBuf = true;
    cumulationIsLastRead = cumulation == null;
    ByteBuf in = cumulation == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, data);
    cumulation = in;
    try {
      decode(ctx, in, out);
    } finally {
      if (cumulation != null && !cumulation.isReadable()) {
        cumulation.release();
        cumulation = null;
      }
      deliver(ctx);
    }
  }

  /**
   * Hands the decoded messages on: to the receiver, or (no receiver, or the decoder was removed) down the pipeline. A
   * read that a receiver causes while this runs only adds its messages; this loop hands them on after the others.
   */
  private void deliver(ChannelHandlerContext ctx) {
    if (delivering || out.isEmpty()) {
      return;
    }
    producedMessage = true;
    delivering = true;
    try {
      for (int i = 0; i < out.size(); i++) {
        Object m = out.get(i);
        MessageReceiver r = receiver;
        if (r == null || removedWhileDelivering) {
          ctx.fireChannelRead(m);
          continue;
        }
        try {
          r.messageReceived(m);
        } catch (Throwable t) {
          ctx.fireExceptionCaught(t); // as the pipeline reports a handler's failure to that handler
        }
      }
    } finally {
      out.clear();
      delivering = false;
    }
    if (removedWhileDelivering) {
      removedWhileDelivering = false;
      handOnLeftover(ctx);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ByteBuf c = cumulation;
    if (c != null && !cumulationIsLastRead && c.refCnt() == 1) {
      c.discardSomeReadBytes();
    }
    if (readByteBuf && !producedMessage && !ctx.channel().config().isAutoRead()) {
      ctx.read(); // nothing decoded yet and nobody will ask for more: ask
    }
    readByteBuf = false;
    producedMessage = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inputClosed(ctx);
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputClosed(ctx); // a half-close ends a body read until the close, as the close does
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void inputClosed(ChannelHandlerContext ctx) {
    ByteBuf in = cumulation;
    try {
      decodeLast(ctx, in == null ? Unpooled.EMPTY_BUFFER : in, out);
    } finally {
      if (cumulation != null) {
        cumulation.release();
        cumulation = null;
      }
      boolean any = !out.isEmpty();
      deliver(ctx);
      if (any) {
        ctx.fireChannelReadComplete();
      }
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (delivering) {
      removedWhileDelivering = true; // the rest of the read's messages first, then the bytes left
      return;
    }
    handOnLeftover(ctx);
  }

  /** The decoder left the pipeline: bytes it held go on to the next handler (a tunnel), else are released. */
  private void handOnLeftover(ChannelHandlerContext ctx) {
    ByteBuf c = cumulation;
    cumulation = null;
    if (c == null) {
      return;
    }
    if (c.isReadable()) {
      ctx.fireChannelRead(c);
      ctx.fireChannelReadComplete();
    } else {
      c.release();
    }
  }

  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      while (in.isReadable()) {
        switch (state) {
          case HEAD -> {
            if (!decodeHead(ctx, in, out)) {
              return;
            }
          }
          case FIXED -> {
            int n = (int) Math.min(remaining, in.readableBytes());
            ByteBuf slice = in.readRetainedSlice(n);
            remaining -= n;
            if (remaining == 0) {
              state = HEAD;
              // no trailers after a fixed-length body: read-only empty ones, as LastHttpContent.EMPTY_LAST_CONTENT has
              out.add(new DefaultLastHttpContent(slice, EmptyHttpHeaders.INSTANCE));
              messageEnded();
            } else {
              out.add(new DefaultHttpContent(slice));
            }
          }
          case CHUNK_SIZE -> {
            if (!readChunkSize(in)) {
              return;
            }
          }
          case CHUNK_DATA -> {
            int n = (int) Math.min(remaining, in.readableBytes());
            out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
            remaining -= n;
            if (remaining == 0) {
              state = CHUNK_CRLF;
            }
          }
          case CHUNK_CRLF -> {
            if (in.readableBytes() < 2) {
              return;
            }
            if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
              throw new IllegalArgumentException("chunk not followed by CRLF");
            }
            in.skipBytes(2);
            state = CHUNK_SIZE;
          }
          case TRAILERS -> {
            if (!readTrailers(in, out)) {
              return;
            }
          }
          case UNTIL_CLOSE -> out.add(new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
          case PASS -> out.add(in.readRetainedSlice(in.readableBytes()));
          default -> {
            in.skipBytes(in.readableBytes()); // BAD, DISCARD
            return;
          }
        }
      }
    } catch (Exception e) {
      fail(in, out, e);
    }
  }

  private void fail(ByteBuf in, List<Object> out, Exception cause) {
    boolean inHead = state == HEAD;
    state = BAD;
    in.skipBytes(in.readableBytes());
    if (inHead) {
      out.add(invalidMessage(cause));
    } else {
      HttpContent chunk = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
      chunk.setDecoderResult(DecoderResult.failure(cause));
      out.add(chunk);
    }
  }

  /** Reads {@code 1*HEXDIG [BWS ";" ext...] CRLF}; refuses signs, empty sizes, sizes over 2^31-1. */
  private boolean readChunkSize(ByteBuf in) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    int lf = in.indexOf(r, Math.min(w, r + MAX_CHUNK_LINE), (byte) '\n');
    if (lf < 0) {
      if (w - r >= MAX_CHUNK_LINE) {
        throw new IllegalArgumentException("chunk size line too long");
      }
      return false;
    }
    if (lf == r || in.getByte(lf - 1) != '\r') {
      throw new IllegalArgumentException("chunk size line without CRLF");
    }
    int end = lf - 1;
    long size = 0;
    int i = r;
    for (; i < end; i++) {
      int d = hex(in.getByte(i));
      if (d < 0) {
        break;
      }
      size = (size << 4) | d;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("chunk size too large");
      }
    }
    if (i == r) {
      throw new IllegalArgumentException("invalid chunk size");
    }
    while (i < end && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
      i++;
    }
    if (i < end) {
      if (in.getByte(i) != ';') {
        throw new IllegalArgumentException("invalid chunk size");
      }
      for (int j = i + 1; j < end; j++) {
        byte c = in.getByte(j);
        if (c == '\r' || c == 0) {
          throw new IllegalArgumentException("invalid chunk extension");
        }
      }
    }
    in.readerIndex(lf + 1);
    if (size == 0) {
      state = TRAILERS;
    } else {
      remaining = size;
      state = CHUNK_DATA;
    }
    return true;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private boolean readTrailers(ByteBuf in, List<Object> out) {
    int len = trailerScanner.scan(in);
    if (len < 0) {
      return false;
    }
    LastHttpContent last;
    if (len <= 2) {
      if (len == 1 || in.getByte(in.readerIndex()) != '\r') {
        throw new IllegalArgumentException("invalid line ending");
      }
      last = LastHttpContent.EMPTY_LAST_CONTENT;
    } else {
      byte[] b = new byte[len];
      in.getBytes(in.readerIndex(), b);
      FlatHttpHeaders trailers = new FlatHttpHeaders(lowerCaseNames, true, 4);
      String error = Http1HeaderLines.parse(b, 0, len, trailers, lowerCaseNames);
      if (error != null) {
        throw new IllegalArgumentException("trailers: " + error);
      }
      last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers);
    }
    in.skipBytes(len);
    state = HEAD;
    out.add(last);
    messageEnded();
    return true;
  }

  /** Whether the decoder stopped at a malformed message (everything after it is dropped). */
  public final boolean failed() {
    return state == BAD;
  }

  /** The input ended (close or half-close): decodes what is left and ends a body read until the close. */
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.isReadable()) {
      decode(ctx, in, out);
    }
    if (state == UNTIL_CLOSE) {
      state = HEAD;
      out.add(LastHttpContent.EMPTY_LAST_CONTENT); // the close ends a body without framing
      messageEnded();
    }
  }
}
