package dev.javoy.filters.http.grpc_stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** gRPC message boundaries across arbitrary chunks (as Envoy's frame inspector counts them). */
class GrpcFrameCounterTest {
  static ByteBuf messages(int... sizes) {
    ByteBuf b = Unpooled.buffer();
    for (int size : sizes) {
      b.writeByte(0).writeInt(size).writeZero(size);
    }
    return b;
  }

  @Test
  void countsMessagesInOneChunk() {
    GrpcFrameCounter c = new GrpcFrameCounter();
    c.onData(messages(3, 0, 70_000));
    assertEquals(3, c.count());
  }

  @Test
  void countsMessagesSplitAtEveryByte() {
    ByteBuf all = messages(5, 0, 1, 300);
    GrpcFrameCounter c = new GrpcFrameCounter();
    while (all.isReadable()) {
      c.onData(all.readSlice(1));
    }
    assertEquals(4, c.count());
  }

  @Test
  void countsAMessageOnceItsPrefixArrived() {
    GrpcFrameCounter c = new GrpcFrameCounter();
    ByteBuf all = messages(100);
    c.onData(all.readSlice(4));
    assertEquals(0, c.count());
    c.onData(all.readSlice(1));
    assertEquals(1, c.count());
    c.onData(all.readSlice(all.readableBytes()));
    assertEquals(1, c.count());
  }

  @Test
  void httpStatusMapsToGrpcStatusAsGrpcDoes() {
    assertEquals(14, GrpcStatsFilter.httpToGrpc(503));
    assertEquals(12, GrpcStatsFilter.httpToGrpc(404));
    assertEquals(2, GrpcStatsFilter.httpToGrpc(200));
  }
}
