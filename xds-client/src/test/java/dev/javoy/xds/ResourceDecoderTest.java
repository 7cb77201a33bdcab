package dev.javoy.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceDecoderTest {
  private static final Cluster C1 = TestResources.cluster("c1", "a");

  @Test
  void unwrapsResourceWrappersInStateOfTheWorld() {
    Any wrapped = Any.pack(Resource.newBuilder().setName("c1").setVersion("r7").setResource(Any.pack(C1)).build());
    DecodedResponse<Cluster> decoded = ResourceDecoder.decodeSotw(ResourceType.CLUSTER,
        List.of(wrapped, Any.pack(TestResources.cluster("c2", "a"))), "v1");
    assertTrue(decoded.problems.isEmpty());
    assertEquals(C1, decoded.resources.get("c1").value());
    assertEquals("r7", decoded.resources.get("c1").version());
    assertEquals(Any.pack(C1), decoded.resources.get("c1").raw());
    assertEquals("v1", decoded.resources.get("c2").version());
  }

  @Test
  void unchangedResourcesAtTheSamePositionAreNotParsedAgain() {
    DecodeMemo<Cluster> memo = new DecodeMemo<>();
    Any a1 = Any.pack(C1);
    Any b1 = Any.pack(TestResources.cluster("c2", "a"));
    DecodedResponse<Cluster> first = ResourceDecoder.decodeSotw(ResourceType.CLUSTER, List.of(a1, b1), "v1", memo);
    Any a2 = Any.pack(C1); // equal content, another object (a new response)
    Any b2 = Any.pack(TestResources.cluster("c2", "b"));
    DecodedResponse<Cluster> second = ResourceDecoder.decodeSotw(ResourceType.CLUSTER, List.of(a2, b2), "v2", memo);
    org.junit.jupiter.api.Assertions.assertSame(first.resources.get("c1").value(), second.resources.get("c1").value());
    org.junit.jupiter.api.Assertions.assertSame(a1, second.resources.get("c1").raw());
    assertEquals("v2", second.resources.get("c1").version());
    assertEquals(TestResources.cluster("c2", "b"), second.resources.get("c2").value());
    assertEquals(b2, second.resources.get("c2").raw());
    // order changed: parsed again, same result
    DecodedResponse<Cluster> third = ResourceDecoder.decodeSotw(ResourceType.CLUSTER, List.of(b2, a2), "v3", memo);
    assertEquals(C1, third.resources.get("c1").value());
    assertEquals(Set.of("c1", "c2"), third.resources.keySet());
    // a duplicate of a memoized resource is still refused
    DecodedResponse<Cluster> dup = ResourceDecoder.decodeSotw(ResourceType.CLUSTER, List.of(b2, b2), "v4", memo);
    assertTrue(dup.problems.problem("c2").contains("duplicate"));
  }

  @Test
  void refusesWrongTypesDuplicatesAndNamelessResources() {
    DecodedResponse<Cluster> decoded = ResourceDecoder.decodeSotw(ResourceType.CLUSTER, List.of(
        Any.pack(C1), Any.pack(C1),
        Any.pack(Listener.newBuilder().setName("l1").build()),
        Any.pack(Cluster.getDefaultInstance())), "v1");
    assertFalse(decoded.resources.containsKey("c1"));
    assertTrue(decoded.problems.problem("c1").contains("duplicate"));
    assertTrue(decoded.problems.problem("resources[2]").contains("type URL"));
    assertTrue(decoded.problems.problem("resources[3]").contains("no name"));
    assertEquals(Set.of("resources[2]", "resources[3]"), decoded.unnamedFailures);
  }

  @Test
  void deltaHeartbeatsAreNeitherNewNorFailed() {
    DecodedResponse<Cluster> decoded = ResourceDecoder.decodeDelta(ResourceType.CLUSTER, List.of(
        Resource.newBuilder().setName("c1").setVersion("3").build(),
        Resource.newBuilder().setName("c2").setVersion("4").setResource(Any.pack(TestResources.cluster("c2", "a")))
            .build()));
    assertEquals(Set.of("c1"), decoded.heartbeats);
    assertEquals(Set.of("c2"), decoded.resources.keySet());
    assertEquals("4", decoded.resources.get("c2").version());
    assertTrue(decoded.mentions("c1"));
  }

  @Test
  void nackMessageNamesEachRejectedResource() {
    Rejections rejections = new Rejections();
    rejections.add("c2", "bad port");
    rejections.add("c3", "unknown filter");
    rejections.add("c3", "bad timeout");
    com.google.rpc.Status status = rejections.toStatus(ResourceType.CLUSTER, "v9");
    assertEquals(com.google.rpc.Code.INVALID_ARGUMENT_VALUE, status.getCode());
    assertEquals("CDS update at version v9 rejected 2 resource(s):\nc2: bad port\nc3: unknown filter; bad timeout",
        status.getMessage());
  }
}
