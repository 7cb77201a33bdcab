package dev.javoy.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import org.junit.jupiter.api.Test;

/** {@link TypedConfigs#pack} and {@link TypedConfigs#unpackExactly} behave as {@code Any.pack}/{@code Any.unpack}. */
class TypedConfigsTest {
  @Test
  void packAndUnpackAsProtobufDoes() throws Exception {
    Cluster c = Cluster.newBuilder().setName("c").build();
    assertEquals(Any.pack(c), TypedConfigs.pack(c));
    assertEquals(c, TypedConfigs.unpackExactly(Any.pack(c), Cluster.getDefaultInstance()));
    Any listener = Any.pack(Listener.newBuilder().setName("l").build());
    InvalidProtocolBufferException expected =
        assertThrows(InvalidProtocolBufferException.class, () -> listener.unpack(Cluster.class));
    InvalidProtocolBufferException actual = assertThrows(InvalidProtocolBufferException.class,
        () -> TypedConfigs.unpackExactly(listener, Cluster.getDefaultInstance()));
    assertEquals(expected.getMessage(), actual.getMessage());
  }
}
