package dev.javoy.proxy.istio;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Istio's HTTP metadata exchange headers: {@code x-envoy-peer-metadata} is the base64 (standard alphabet, padded)
 * of a serialized {@code google.protobuf.Struct} of the sender's node metadata, {@code x-envoy-peer-metadata-id}
 * its node id. Decoding is cached per worker by header value, since a peer sends the same value on every request.
 */
public final class PeerMetadataHeaders {
  public static final String METADATA = "x-envoy-peer-metadata";
  public static final String METADATA_ID = "x-envoy-peer-metadata-id";

  private static final int CACHE_SIZE = 256;
  private static final io.netty.util.concurrent.FastThreadLocal<Map<String, PeerMetadata>> CACHE =
      new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected Map<String, PeerMetadata> initialValue() {
          return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PeerMetadata> eldest) {
              return size() > CACHE_SIZE;
            }
          };
        }
      };

  private PeerMetadataHeaders() {}

  /** Deterministic serialization (map keys sorted), as istio/proxy serializes the exchanged Struct. */
  public static byte[] serialize(Struct s) {
    byte[] out = new byte[s.getSerializedSize()];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    cos.useDeterministicSerialization();
    try {
      s.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static String encode(Struct s) {
    return Base64.getEncoder().encodeToString(serialize(s));
  }

  /** Decodes a header value; throws {@link IllegalArgumentException} when it is not base64 of a Struct. */
  public static Struct decode(String headerValue) {
    try {
      return Struct.parseFrom(Base64.getDecoder().decode(headerValue.trim()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("x-envoy-peer-metadata is not a serialized google.protobuf.Struct", e);
    }
  }

  /**
   * The peer described by the two headers' values, or null when {@code metadata} is absent or malformed (Istio
   * then has no peer). Cached per thread by the header value.
   */
  public static PeerMetadata peer(String id, String metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return null;
    }
    Map<String, PeerMetadata> cache = CACHE.get();
    PeerMetadata p = cache.get(metadata);
    if (p != null && java.util.Objects.equals(p.id(), id)) {
      return p;
    }
    try {
      p = PeerMetadata.fromStruct(id, decode(metadata));
    } catch (IllegalArgumentException e) {
      return null;
    }
    cache.put(metadata, p);
    return p;
  }
}
