package dev.javoy.proxy.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTypeRegistryTest {
  @Test
  void typeNamesFromClassNamesMatchTheDescriptors() {
    List<Message> all = new ArrayList<>(CoreTypes.CORE);
    for (ExtensionFactory f : CoreTypes.defaultRegistry().all()) {
      all.add(f.defaultConfig());
      all.addAll(f.nestedTypes());
      assertEquals("type.googleapis.com/" + f.defaultConfig().getDescriptorForType().getFullName(), f.typeUrl(),
          f.getClass().getName());
    }
    for (Message m : all) {
      assertEquals(m.getDescriptorForType().getFullName(), ProtoTypeNames.fullName(m), m.getClass().getName());
    }
    assertEquals("envoy.config.route.v3.RouteAction.HashPolicy",
        ProtoTypeNames.fullName(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy.getDefaultInstance()));
  }

  @Test
  void coversOnlyTheTypesAConfigNames() throws Exception {
    ConfigTypeRegistry types = ConfigTypeRegistry.of(List.of(
        io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDefaultInstance(),
        io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDefaultInstance()));
    assertNull(types.current().find("envoy.extensions.filters.http.router.v3.Router"));
    var tree = new ObjectMapper().readTree(
        "{\"a\":[{\"typed_config\":{\"@type\":\"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\"}}]}");
    var r = types.covering(tree);
    assertNotNull(r.find("envoy.extensions.filters.http.router.v3.Router"));
    assertNull(r.find("envoy.extensions.filters.http.cors.v3.Cors"));
    assertSame(r, types.covering(tree), "nothing new: the same registry");
    assertSame(r, types.current());
    // a type of a covered file's dependencies resolves without growing the registry
    assertNotNull(r.find("google.protobuf.Duration"));
    // a type javoy does not register itself: the whole registry decides
    var unknown = new ObjectMapper().readTree("{\"@type\":\"type.googleapis.com/envoy.config.bootstrap.v3.Bootstrap\"}");
    var all = types.covering(unknown);
    assertSame(all, types.all());
    assertNotNull(all.find("envoy.extensions.filters.http.cors.v3.Cors"));
  }

  @Test
  void coversTheTypeInsideATypedStruct() throws Exception {
    ConfigTypeRegistry types = ConfigTypeRegistry.of(List.of(
        io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDefaultInstance(),
        io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDefaultInstance(),
        com.github.xds.type.v3.TypedStruct.getDefaultInstance()));
    var tree = new ObjectMapper().readTree("{\"typed_config\":{\"@type\":\"type.googleapis.com/xds.type.v3.TypedStruct\","
        + "\"type_url\":\"type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors\",\"value\":{}}}");
    var r = types.covering(tree);
    assertNotNull(r.find("xds.type.v3.TypedStruct"));
    assertNotNull(r.find("envoy.extensions.filters.http.cors.v3.Cors"), "the TypedStruct's type_url is covered");
  }
}
