package dev.javoy.proxy.xds;

import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.secret.SecretSource;
import dev.javoy.xds.ResourceSubscriber;
import dev.javoy.xds.ResourceType;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.netty.channel.EventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secrets from a watched file ({@code path_config_source}, or the legacy {@code path}): a {@code DiscoveryResponse}
 * of {@code Secret} resources, read by a {@link FileResourceSource} (polled; a Kubernetes-style swap of the
 * {@code ..data} symlink changes the file's identity, so it is seen) and dispatched to the subscribers of each
 * name. One per file, shared by every secret read from it; it polls while anything is subscribed. Main thread.
 */
final class FileSecretSource implements SecretSource, ResourceSubscriber<Secret> {
  private final Path path;
  private final ProtoJsonParser parser;
  private final EventLoop loop;
  private final Map<String, List<ResourceSubscriber<Secret>>> subscribers = new HashMap<>();
  /** The secrets of the file as last read (accepted or not by their subscribers). */
  private final Map<String, Secret> current = new HashMap<>();
  private String version = "";
  private FileResourceSource<Secret> file;

  FileSecretSource(Path path, ProtoJsonParser parser, EventLoop loop) {
    this.path = path;
    this.parser = parser;
    this.loop = loop;
  }

  @Override
  public Runnable subscribe(String name, Duration initialFetchTimeout, ResourceSubscriber<Secret> subscriber) {
    subscribers.computeIfAbsent(name, n -> new ArrayList<>()).add(subscriber);
    Secret known = current.get(name);
    if (known != null) {
      subscriber.onResources(Map.of(name, known), Set.of(), version);
    }
    if (file == null) {
      file = new FileResourceSource<>(path, ResourceType.SECRET, this, parser, loop);
      file.start();
    }
    boolean[] done = {false};
    return () -> {
      if (done[0]) {
        return;
      }
      done[0] = true;
      List<ResourceSubscriber<Secret>> list = subscribers.get(name);
      if (list != null && list.remove(subscriber) && list.isEmpty()) {
        subscribers.remove(name);
      }
      if (subscribers.isEmpty()) {
        stop();
      }
    };
  }

  @Override
  public Map<String, String> onResources(Map<String, Secret> changed, Set<String> removed, String version) {
    this.version = version == null ? "" : version;
    Map<String, String> rejected = new LinkedHashMap<>();
    changed.forEach((name, secret) -> {
      current.put(name, secret);
      for (ResourceSubscriber<Secret> s : List.copyOf(subscribers.getOrDefault(name, List.of()))) {
        Map<String, String> r = s.onResources(Map.of(name, secret), Set.of(), this.version);
        if (r != null) {
          rejected.putAll(r);
        }
      }
    });
    for (String name : removed) {
      current.remove(name);
      for (ResourceSubscriber<Secret> s : List.copyOf(subscribers.getOrDefault(name, List.of()))) {
        s.onResources(Map.of(), Set.of(name), this.version);
      }
    }
    return rejected;
  }

  void stop() {
    if (file != null) {
      file.stop();
      file = null;
      current.clear();
    }
  }
}
