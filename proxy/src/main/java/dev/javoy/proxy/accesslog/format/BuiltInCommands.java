package dev.javoy.proxy.accesslog.format;

import java.util.HashMap;
import java.util.Map;

/** Every command operator javoy knows, by name. Immutable after class initialization. */
final class BuiltInCommands {
  private static final Map<String, CommandSpec> ALL;

  static {
    Map<String, CommandSpec> m = new HashMap<>();
    StreamInfoCommands.register(m);
    AddressCommands.register(m);
    DurationCommands.register(m);
    TimeCommands.register(m);
    HeaderCommands.register(m);
    GrpcStatuses.register(m);
    UnavailableCommands.register(m);
    TlsCommands.register(m);
    FilterStateCommand.register(m);
    ALL = Map.copyOf(m);
  }

  private BuiltInCommands() {}

  static CommandSpec get(String name) {
    return ALL.get(name);
  }
}
