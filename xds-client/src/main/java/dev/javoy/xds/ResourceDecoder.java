package dev.javoy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;

/**
 * Unpacks the resources of a response: unwraps {@code envoy.service.discovery.v3.Resource}, checks the
 * type URL, parses, names, and refuses duplicates and nameless resources.
 */
final class ResourceDecoder {
  private ResourceDecoder() {}

  /** A state-of-the-world response's resources ({@code Any}, each possibly a wrapped {@code Resource}). */
  static <T extends Message> DecodedResponse<T> decodeSotw(ResourceType<T> type, List<Any> resources,
      String responseVersion) {
    DecodedResponse<T> out = new DecodedResponse<>();
    for (int i = 0; i < resources.size(); i++) {
      Any any = resources.get(i);
      if (TypeUrls.RESOURCE.equals(any.getTypeUrl())) {
        Resource wrapper;
        try {
          wrapper = any.unpack(Resource.class);
        } catch (InvalidProtocolBufferException e) {
          out.failUnnamed(positional(i), any, "cannot parse the Resource wrapper: " + e.getMessage());
          continue;
        }
        String version = wrapper.getVersion().isEmpty() ? responseVersion : wrapper.getVersion();
        decodeWrapped(type, wrapper, version, positional(i), out);
      } else {
        decodeOne(type, any, "", responseVersion, positional(i), out);
      }
    }
    return out;
  }

  /** A delta response's resources. */
  static <T extends Message> DecodedResponse<T> decodeDelta(ResourceType<T> type, List<Resource> resources) {
    DecodedResponse<T> out = new DecodedResponse<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource wrapper = resources.get(i);
      decodeWrapped(type, wrapper, wrapper.getVersion(), positional(i), out);
    }
    return out;
  }

  private static <T extends Message> void decodeWrapped(ResourceType<T> type, Resource wrapper,
      String version, String position, DecodedResponse<T> out) {
    if (!wrapper.hasResource()) {
      if (wrapper.getName().isEmpty()) {
        out.failUnnamed(position, null, "Resource has neither a name nor a body");
      } else {
        out.heartbeats.add(wrapper.getName());
      }
      return;
    }
    decodeOne(type, wrapper.getResource(), wrapper.getName(), version, position, out);
  }

  private static <T extends Message> void decodeOne(ResourceType<T> type, Any any, String givenName,
      String version, String position, DecodedResponse<T> out) {
    T value;
    try {
      value = type.unpack(any);
    } catch (InvalidProtocolBufferException e) {
      if (givenName.isEmpty()) {
        out.failUnnamed(position, any, "cannot unpack: " + e.getMessage());
      } else {
        out.fail(givenName, any, "cannot unpack: " + e.getMessage());
      }
      return;
    }
    String name = givenName.isEmpty() ? type.resourceName(value) : givenName;
    if (name.isEmpty()) {
      out.failUnnamed(position, any, "resource has no name");
      return;
    }
    if (out.mentions(name)) {
      out.fail(name, any, "duplicate resource name in one response");
      out.resources.remove(name);
      return;
    }
    out.resources.put(name, new DecodedResource<>(name, value, any, version));
  }

  private static String positional(int index) {
    return "resources[" + index + "]";
  }
}
