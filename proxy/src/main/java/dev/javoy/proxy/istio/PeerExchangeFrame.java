package dev.javoy.proxy.istio;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The {@code istio-peer-exchange} wire format (istio/proxy's TCP metadata exchange): an 8-byte initial header —
 * the magic {@code 0x3D230467} and the size of what follows, both 32-bit big-endian — then a serialized
 * {@code google.protobuf.Any} of type {@code google.protobuf.Struct} whose field {@code x-envoy-peer-metadata} holds
 * the sender's exchanged node metadata (a Struct) and {@code x-envoy-peer-metadata-id} its node id.
 */
public final class PeerExchangeFrame {
  public static final int MAGIC = 0x3D230467;
  public static final int HEADER_SIZE = 8;
  public static final String STRUCT_TYPE_URL = "type.googleapis.com/google.protobuf.Struct";
  /** Refuse absurd sizes rather than buffer them (Istio's filter has no explicit limit; javoy caps at 1 MiB). */
  public static final int MAX_DATA_SIZE = 1 << 20;

  private PeerExchangeFrame() {}

  /** The frame {@code local} sends. */
  public static byte[] encode(LocalWorkload local) {
    Struct data = Struct.newBuilder()
        .putFields(PeerMetadataHeaders.METADATA, Value.newBuilder().setStructValue(local.exchanged()).build())
        .putFields(PeerMetadataHeaders.METADATA_ID, Value.newBuilder().setStringValue(local.id()).build())
        .build();
    byte[] any = Any.newBuilder().setTypeUrl(STRUCT_TYPE_URL)
        .setValue(com.google.protobuf.ByteString.copyFrom(PeerMetadataHeaders.serialize(data))).build().toByteArray();
    byte[] out = new byte[HEADER_SIZE + any.length];
    putInt(out, 0, MAGIC);
    putInt(out, 4, any.length);
    System.arraycopy(any, 0, out, HEADER_SIZE, any.length);
    return out;
  }

  public static ByteBuf encode(LocalWorkload local, ByteBufAllocator alloc) {
    byte[] frame = encode(local);
    return alloc.buffer(frame.length).writeBytes(frame);
  }

  /** What {@link #tryDecode} found. */
  public enum Status { NEED_MORE, BAD_MAGIC, BAD_DATA, DONE }

  /** A decode attempt: the status and, when {@link Status#DONE}, the peer and the frame's length. */
  public record Result(Status status, PeerMetadata peer, int frameLength) {}

  private static final Result NEED_MORE = new Result(Status.NEED_MORE, null, 0);

  /** Looks for a complete frame at the reader index of {@code in} without consuming anything. */
  public static Result tryDecode(ByteBuf in) {
    int start = in.readerIndex();
    if (in.readableBytes() < HEADER_SIZE) {
      // An early mismatch can be seen before the whole header arrived.
      for (int i = 0; i < in.readableBytes(); i++) {
        if (in.getByte(start + i) != (byte) (MAGIC >>> (24 - 8 * i))) {
          return new Result(Status.BAD_MAGIC, null, 0);
        }
      }
      return NEED_MORE;
    }
    if (in.getInt(start) != MAGIC) {
      return new Result(Status.BAD_MAGIC, null, 0);
    }
    long size = in.getUnsignedInt(start + 4);
    if (size > MAX_DATA_SIZE) {
      return new Result(Status.BAD_DATA, null, 0);
    }
    if (in.readableBytes() < HEADER_SIZE + size) {
      return NEED_MORE;
    }
    byte[] data = new byte[(int) size];
    in.getBytes(start + HEADER_SIZE, data);
    PeerMetadata peer = decodeData(data);
    return peer == null ? new Result(Status.BAD_DATA, null, HEADER_SIZE + (int) size)
        : new Result(Status.DONE, peer, HEADER_SIZE + (int) size);
  }

  /** The peer of a frame's data (the Any), or null when it is not what the exchange sends. */
  public static PeerMetadata decodeData(byte[] data) {
    try {
      Any any = Any.parseFrom(data);
      if (!any.getTypeUrl().equals(STRUCT_TYPE_URL)) {
        return null;
      }
      Struct s = Struct.parseFrom(any.getValue());
      Value metadata = s.getFieldsMap().get(PeerMetadataHeaders.METADATA);
      if (metadata == null || metadata.getKindCase() != Value.KindCase.STRUCT_VALUE) {
        return null;
      }
      Value id = s.getFieldsMap().get(PeerMetadataHeaders.METADATA_ID);
      return PeerMetadata.fromStruct(id == null ? null : id.getStringValue(), metadata.getStructValue());
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
