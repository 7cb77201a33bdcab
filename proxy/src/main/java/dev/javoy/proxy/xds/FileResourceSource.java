package dev.javoy.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.log.Log;
import dev.javoy.xds.ResourceSubscriber;
import dev.javoy.xds.ResourceType;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * File-based xDS ({@code path_config_source}, as Envoy's dynamic-config-fs example): the file holds a
 * {@code DiscoveryResponse} (YAML or JSON) with the full state of one resource type. It is read at start and
 * whenever it changes (polled once a second on the main loop: modification time, size and file identity, so an
 * atomic rename is seen); a file that fails to read or parse leaves the last good resources in force.
 */
final class FileResourceSource<T extends Message> {
  private static final Logger LOG = Log.get("config");
  private static final long POLL_MILLIS = 1000;

  private final Path path;
  private final ResourceType<T> type;
  private final ResourceSubscriber<T> subscriber;
  private final ProtoJsonParser parser;
  private final io.netty.channel.EventLoop loop;
  private Map<String, T> current = new HashMap<>();
  private String fingerprint = "";
  private ScheduledFuture<?> poll;

  FileResourceSource(Path path, ResourceType<T> type, ResourceSubscriber<T> subscriber, ProtoJsonParser parser,
      io.netty.channel.EventLoop loop) {
    this.path = path;
    this.type = type;
    this.subscriber = subscriber;
    this.parser = parser;
    this.loop = loop;
  }

  /** Loads the file now (on the loop) and then watches it. */
  void start() {
    loop.execute(() -> {
      if (!check()) {
        subscriber.onResourceDoesNotExist(ResourceType.WILDCARD);
      }
      poll = loop.scheduleWithFixedDelay(this::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  void stop() {
    if (poll != null) {
      poll.cancel(false);
    }
  }

  /** Reloads when the file changed; returns whether resources were delivered. */
  private boolean check() {
    String fp;
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      fp = a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey();
    } catch (IOException e) {
      return false;
    }
    if (fp.equals(fingerprint)) {
      return false;
    }
    fingerprint = fp;
    DiscoveryResponse response;
    Map<String, T> next = new LinkedHashMap<>();
    try {
      response = parser.parse(ConfigDocuments.read(path), DiscoveryResponse.getDefaultInstance(),
          UnknownFieldPolicy.REJECT, path.toString());
      for (Any any : response.getResourcesList()) {
        T resource = type.unpack(any);
        next.put(type.resourceName(resource), resource);
      }
    } catch (ConfigException | InvalidProtocolBufferException | RuntimeException e) {
      LOG.warning(type.shortName() + " file " + path + " rejected, keeping the last good config: " + e.getMessage());
      return false;
    }
    Map<String, T> changed = new LinkedHashMap<>();
    next.forEach((name, r) -> {
      if (!r.equals(current.get(name))) {
        changed.put(name, r);
      }
    });
    Set<String> removed = new HashSet<>(current.keySet());
    removed.removeAll(next.keySet());
    Map<String, String> rejected = subscriber.onResources(changed, removed, response.getVersionInfo());
    if (rejected != null && !rejected.isEmpty()) {
      rejected.forEach((name, error) -> LOG.warning(type.shortName() + " " + name + " rejected: " + error));
      rejected.keySet().forEach(name -> {
        T old = current.get(name);
        if (old != null) {
          next.put(name, old);
        } else {
          next.remove(name);
        }
      });
    }
    current = next;
    return true;
  }
}
