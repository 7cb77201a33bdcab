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
    return decodeSotw(type, resources, responseVersion, null);
  }

  /**
   * As {@link #decodeSotw(ResourceType, List, String)}; resources equal to the one at the same position of the
   * previous response ({@code memo}, may be null) are taken as decoded then instead of being parsed again.
   */
  static <T extends Message> DecodedResponse<T> decodeSotw(ResourceType<T> type, List<Any> resources,
      String responseVersion, DecodeMemo<T> memo) {
    DecodedResponse<T> out = new DecodedResponse<>();
    if (memo != null) {
      memo.begin(resources.size());
    }
    for (int i = 0; i < resources.size(); i++) {
      Any any = resources.get(i);
      Any same = memo == null ? null : memo.previous(i, any);
      if (same != null && memo.value(i) != null) {
        T value = memo.value(i);
        String name = type.resourceName(value);
        if (!out.mentions(name)) {
          out.resources.put(name, new DecodedResource<>(name, value, same, responseVersion));
          memo.record(i, same, value);
          continue;
        }
      }
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
        DecodedResource<T> decoded = decodeOne(type, any, "", responseVersion, positional(i), out);
        if (memo != null && decoded != null) {
          memo.record(i, any, decoded.value());
        }
      }
    }
    if (memo != null) {
      memo.end();
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


  private static <T extends Message> DecodedResource<T> decodeOne(ResourceType<T> type, Any any, String givenName,
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
      return null;
    }
    String name = givenName.isEmpty() ? type.resourceName(value) : givenName;
    if (name.isEmpty()) {
      out.failUnnamed(position, any, "resource has no name");
      return null;
    }
    if (out.mentions(name)) {
      out.fail(name, any, "duplicate resource name in one response");
      out.resources.remove(name);
      return null;
    }
    DecodedResource<T> decoded = new DecodedResource<>(name, value, any, version);
    out.resources.put(name, decoded);
    return decoded;
  }

  private static String positional(int index) {
    return "resources[" + index + "]";
  }
}
