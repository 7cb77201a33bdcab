package dev.javoy.proxy.http.h2;

import io.netty.buffer.ByteBuf;

/**
 * Finds HTTP/2 frame boundaries in a byte stream that arrives in arbitrary pieces, without consuming or
 * copying it: only the 9-byte frame headers are looked at, plus the first payload bytes where they matter
 * (the pad length of padded DATA/HEADERS frames, the error code of RST_STREAM); the rest is skipped. The
 * connection preface, when there is one, is skipped first.
 */
final class Http2FrameScanner {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;
  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int FLAG_PADDED = 0x8;
  static final int FLAG_PRIORITY = 0x20;
  static final int PREFACE_LENGTH = 24;

  /** Receives each frame header once it is complete. */
  interface Listener {
    /**
     * @param payloadLength the frame's payload length without padding (and without the priority fields of
     *     HEADERS)
     * @param errorCode the error code of a RST_STREAM frame, else 0
     * @return false to stop scanning (the stream is to be abandoned)
     */
    boolean onFrame(int type, int flags, int streamId, int length, int payloadLength, long errorCode);
  }

  private final Listener listener;
  private final byte[] header = new byte[9];
  private int headerBytes;
  private int prefaceRemaining;
  private long payloadRemaining;
  /** Payload bytes still to read before the frame is reported (pad length, RST_STREAM error code). */
  private int prefixNeeded;
  private long prefix;
  private int type;
  private int flags;
  private int streamId;
  private int length;

  Http2FrameScanner(Listener listener, boolean skipPreface) {
    this.listener = listener;
    this.prefaceRemaining = skipPreface ? PREFACE_LENGTH : 0;
  }

  /** Scans the readable bytes of {@code buf} (its indexes are left alone); false when the listener stopped. */
  boolean scan(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end) {
      if (prefaceRemaining > 0) {
        int n = Math.min(prefaceRemaining, end - i);
        prefaceRemaining -= n;
        i += n;
      } else if (prefixNeeded > 0) {
        prefix = prefix << 8 | buf.getUnsignedByte(i++);
        payloadRemaining--;
        if (--prefixNeeded == 0 && !deliver()) {
          return false;
        }
      } else if (payloadRemaining > 0) {
        int n = (int) Math.min(payloadRemaining, end - i);
        payloadRemaining -= n;
        i += n;
      } else {
        header[headerBytes++] = buf.getByte(i++);
        if (headerBytes == 9 && !onHeader()) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean onHeader() {
    headerBytes = 0;
    length = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | (header[2] & 0xFF);
    type = header[3] & 0xFF;
    flags = header[4] & 0xFF;
    streamId = ((header[5] & 0x7F) << 24) | (header[6] & 0xFF) << 16 | (header[7] & 0xFF) << 8 | (header[8] & 0xFF);
    payloadRemaining = length;
    prefix = 0;
    if ((type == DATA || type == HEADERS) && (flags & FLAG_PADDED) != 0 && length > 0) {
      prefixNeeded = 1;
      return true;
    }
    if (type == RST_STREAM && length >= 4) {
      prefixNeeded = 4;
      return true;
    }
    return deliver();
  }

  private boolean deliver() {
    int payload = length;
    long errorCode = 0;
    if (type == RST_STREAM) {
      errorCode = prefix;
    } else if ((type == DATA || type == HEADERS) && (flags & FLAG_PADDED) != 0 && length > 0) {
      payload -= 1 + (int) prefix;
    }
    if (type == HEADERS && (flags & FLAG_PRIORITY) != 0) {
      payload -= 5;
    }
    return listener.onFrame(type, flags, streamId, length, Math.max(0, payload), errorCode);
  }
}
