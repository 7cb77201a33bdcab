package dev.javoy.filters.http.grpc_stats;

import io.netty.buffer.ByteBuf;

/**
 * Finds gRPC message boundaries in one direction of a stream ("Length-Prefixed-Message": a 1-byte compressed flag,
 * a 4-byte big-endian length, then the message) across arbitrary data chunks, and counts the messages whose prefix
 * has been seen. Keeps only a few integers of state.
 */
final class GrpcFrameCounter {
  private long count;
  /** Bytes of the current message still to skip; -1 while reading a prefix. */
  private long remaining = -1;
  private int prefixRead;
  private long length;

  long count() {
    return count;
  }

  void onData(ByteBuf data) {
    int i = data.readerIndex();
    int end = data.writerIndex();
    while (i < end) {
      if (remaining > 0) {
        int skip = (int) Math.min(remaining, end - i);
        i += skip;
        remaining -= skip;
        continue;
      }
      if (remaining == 0) {
        remaining = -1;
        prefixRead = 0;
        length = 0;
      }
      // reading a 5-byte prefix
      int b = data.getByte(i++) & 0xff;
      if (prefixRead > 0) {
        length = (length << 8) | b;
      }
      prefixRead++;
      if (prefixRead == 5) {
        count++;
        remaining = length;
        if (remaining == 0) {
          remaining = -1;
          prefixRead = 0;
          length = 0;
        }
      }
    }
  }
}
