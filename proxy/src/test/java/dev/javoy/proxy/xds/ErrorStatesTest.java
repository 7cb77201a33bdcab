package dev.javoy.proxy.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ErrorStatesTest {
  @Test
  void aRejectedUpdateIsKeptUntilTheResourceIsAcceptedOrRemoved() throws Exception {
    ErrorStates errors = new ErrorStates();
    Listener bad = Listener.newBuilder().setName("a").setStatPrefix("bad").build();
    errors.record(Map.of("a", bad, "b", Listener.newBuilder().setName("b").build()), Set.of(),
        Map.of("a", "a: field not supported", "bind_failed", "cannot bind"), "7");
    var state = errors.get("a");
    assertEquals(Any.pack(bad), state.getFailedConfiguration());
    assertEquals("a: field not supported", state.getDetails());
    assertEquals("7", state.getVersionInfo());
    assertEquals(true, state.hasLastUpdateAttempt());
    assertNull(errors.get("b"));
    assertEquals(false, errors.get("bind_failed").hasFailedConfiguration());

    errors.record(Map.of("a", bad.toBuilder().setStatPrefix("good").build()), Set.of(), Map.of(), "8");
    assertNull(errors.get("a"));
    errors.record(Map.of(), Set.of("bind_failed"), null, "9");
    assertEquals(Map.of(), errors.all());
  }
}
