package dev.javoy.proxy.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A reused StreamInfo must not carry anything of the stream before: {@link StreamInfo#reset} clears every field. */
class StreamInfoTest {
  @Test
  void resetClearsEveryFieldAndRestartsTheClock() throws Exception {
    StreamInfo fresh = new StreamInfo();
    StreamInfo used = new StreamInfo();
    int set = 0;
    for (Field f : StreamInfo.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      f.setAccessible(true);
      f.set(used, nonDefault(f.getType()));
      set++;
    }
    assertTrue(set > 30, "fields found: " + set);
    used.filterState().set("k", "v");
    long before = System.nanoTime();
    used.reset();
    used.restartClock();
    assertTrue(used.startNanos >= before, "the start is the restart");
    assertTrue(used.startTimeEpochMillis >= System.currentTimeMillis() - 60_000);
    for (Field f : StreamInfo.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("start")) {
        continue;
      }
      f.setAccessible(true);
      assertEquals(f.get(fresh), f.get(used), "field " + f.getName() + " after reset()");
    }
    assertNotNull(used.filterState());
    assertEquals(null, used.filterState().get("k"));
  }

  /** A value of {@code type} that differs from a new StreamInfo's. */
  private static Object nonDefault(Class<?> type) throws Exception {
    if (type == long.class) {
      return 7L;
    }
    if (type == int.class) {
      return 7;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == String.class) {
      return "x";
    }
    if (type == java.net.SocketAddress.class) {
      return InetSocketAddress.createUnresolved("h", 1);
    }
    if (type == FilterState.class) {
      return new FilterState();
    }
    if (type == UpstreamAlpnOverride.class) {
      return new UpstreamAlpnOverride(java.util.List.of(), java.util.List.of("h2"), java.util.List.of());
    }
    if (type == io.netty.handler.codec.http.HttpHeaders.class) {
      return new io.netty.handler.codec.http.DefaultHttpHeaders();
    }
    if (type.isInterface()) {
      return java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> null);
    }
    var ctor = type.getDeclaredConstructors()[0];
    ctor.setAccessible(true);
    Object[] args = new Object[ctor.getParameterCount()];
    Class<?>[] ps = ctor.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      args[i] = ps[i].isPrimitive() ? (ps[i] == boolean.class ? false : ps[i] == long.class ? 0L : 0) : null;
    }
    return ctor.newInstance(args);
  }
}
