package dev.javoy.proxy.admin;

import static dev.javoy.proxy.admin.AdminEndpoint.Param;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import java.util.function.Predicate;

/**
 * {@code GET /config_dump}: the backend's dump, narrowed by {@code resource}, {@code mask},
 * {@code name_regex} and {@code include_eds} as Envoy does, with sensitive fields redacted, printed as Envoy
 * prints it (pretty JSON, proto field names). Refusals are {@code text/plain} with Envoy's messages.
 */
final class ConfigDumpEndpoint {
  private final AdminBackend backend;
  private final ProtoJson json;

  ConfigDumpEndpoint(AdminBackend backend, ProtoJson json) {
    this.backend = backend;
    this.json = json;
  }

  AdminEndpoint endpoint() {
    return AdminEndpoint.get("/config_dump", "dump current Envoy configs (experimental)", this::handle,
        Param.of("resource", "The resource to dump"),
        Param.of("mask", "The mask to apply. When both resource and mask are specified, the mask is applied to "
            + "every element in the desired repeated field so that only a subset of fields are returned. The "
            + "mask is parsed as a ProtobufWkt::FieldMask"),
        Param.of("name_regex", "Dump only the currently loaded configurations whose names match the specified "
            + "regex. Can be used with both resource and mask query parameters."),
        Param.of("include_eds", "Dump currently loaded configuration including EDS. See the response definition "
            + "for more information"));
  }

  private AdminResponse handle(AdminRequest r) throws InvalidProtocolBufferException {
    String nameRegex = r.value("name_regex");
    Predicate<String> names = null;
    if (nameRegex != null) {
      try {
        Pattern p = Pattern.compile(nameRegex);
        names = name -> name == null || p.matches(name);
      } catch (PatternSyntaxException e) {
        return AdminResponse.text(400, "Error while parsing name_regex from " + nameRegex + ": "
            + e.getMessage());
      }
    }
    ConfigDumpFilter filter = new ConfigDumpFilter(backend.typeRegistry());
    ConfigDump full = backend.configDump(r.has("include_eds"));
    ConfigDump selected;
    try {
      String resource = r.value("resource");
      selected = resource == null ? filter.all(full, r.value("mask"), names)
          : filter.resource(full, resource, r.value("mask"), names);
    } catch (ConfigDumpFilter.Rejected e) {
      return AdminResponse.text(e.status, e.getMessage());
    }
    Message redacted = new SensitiveFieldRedactor(backend.typeRegistry()).redact(selected);
    return AdminResponse.json(json.pretty(redacted, false));
  }
}
