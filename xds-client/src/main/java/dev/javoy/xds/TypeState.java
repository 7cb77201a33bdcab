package dev.javoy.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Everything the client knows about one resource type, independent of streams: who subscribes to what,
 * the resources in force, the last accepted version. Applies updates by handing them to the subscribers
 * and collecting their rejections. Confined to the client's event loop.
 */
final class TypeState<T extends Message> {
  private static final Logger logger = Logger.getLogger("javoy.config");

  final ResourceType<T> type;
  private final ClientContext ctx;
  private final Map<String, List<SubscriberEntry<T>>> named = new TreeMap<>();
  private final List<SubscriberEntry<T>> wildcard = new ArrayList<>();
  private final ResourceCache<T> cache = new ResourceCache<>();
  /** The last state-of-the-world response, parsed: unchanged resources are not parsed again. */
  final DecodeMemo<T> decodeMemo = new DecodeMemo<>();
  private String acceptedVersion = "";
  private Instant lastUpdated;
  /** A response of this type has been applied: a wildcard subscriber added now can be served from the cache. */
  private boolean responded;

  TypeState(ResourceType<T> type, ClientContext ctx) {
    this.type = type;
    this.ctx = ctx;
  }

  // ---- subscriptions

  void add(SubscriberEntry<T> entry) {
    if (entry.cancelled) {
      return; // cancelled from another thread before it was registered
    }
    boolean interestChanged;
    if (entry.isWildcard()) {
      interestChanged = wildcard.isEmpty();
      wildcard.add(entry);
    } else {
      List<SubscriberEntry<T>> list = named.computeIfAbsent(entry.name, n -> new ArrayList<>());
      interestChanged = list.isEmpty();
      list.add(entry);
    }
    long timeoutNanos = entry.initialFetchTimeout.toNanos();
    if (timeoutNanos > 0) {
      entry.fetchTimer = ctx.loop.schedule(() -> onFetchTimeout(entry), timeoutNanos, TimeUnit.NANOSECONDS);
    }
    // Served from the cache in a later task, after any update being applied now has reached the cache.
    ctx.loop.execute(() -> initialDelivery(entry));
    if (interestChanged) {
      ctx.interestChanged(this);
    }
  }

  void remove(SubscriberEntry<T> entry) {
    if (entry.cancelled) {
      return;
    }
    entry.cancelled = true;
    entry.stopTimer();
    boolean interestChanged;
    if (entry.isWildcard()) {
      wildcard.remove(entry);
      interestChanged = wildcard.isEmpty();
    } else {
      List<SubscriberEntry<T>> list = named.get(entry.name);
      interestChanged = list != null && list.remove(entry) && list.isEmpty();
      if (interestChanged) {
        named.remove(entry.name);
      }
    }
    if (interestChanged) {
      cache.retainOnly(this::isInterested);
      ctx.interestChanged(this);
    }
  }

  Interest interest() {
    return new Interest(!wildcard.isEmpty(), new TreeSet<>(named.keySet()));
  }

  boolean hasInterest() {
    return !wildcard.isEmpty() || !named.isEmpty();
  }

  boolean isInterested(String name) {
    return !wildcard.isEmpty() || named.containsKey(name);
  }

  // ---- updates

  String acceptedVersion() {
    return acceptedVersion;
  }

  /** Versions of the resources in force, for a new delta stream's {@code initial_resource_versions}. */
  Map<String, String> acceptedResourceVersions() {
    return cache.versions();
  }

  /** Applies a state-of-the-world response; for LDS/CDS a resource it does not mention is removed. */
  Rejections applySotw(DecodedResponse<T> decoded, String version) {
    Set<String> removed = new TreeSet<>();
    if (type.isFullStateInSotw() && !decoded.unnamedFailures.isEmpty()) {
      logger.warning(() -> type + " response " + version
          + " has resources without a readable name; no removal is inferred from it");
    } else if (type.isFullStateInSotw()) {
      for (String name : cache.accepted().keySet()) {
        if (!decoded.mentions(name)) {
          removed.add(name);
        }
      }
    }
    return apply(decoded, removed, version);
  }

  /** Applies a delta response with its {@code removed_resources}. */
  Rejections applyDelta(DecodedResponse<T> decoded, Collection<String> removedByServer, String version) {
    Set<String> removed = new TreeSet<>();
    for (String name : removedByServer) {
      if (cache.contains(name) || named.containsKey(name)) {
        removed.add(name);
      }
    }
    return apply(decoded, removed, version);
  }

  private Rejections apply(DecodedResponse<T> decoded, Set<String> removed, String version) {
    Instant now = ctx.now();
    Map<String, DecodedResource<T>> changed = new LinkedHashMap<>();
    for (DecodedResource<T> resource : decoded.resources.values()) {
      if (isInterested(resource.name()) && cache.isChange(resource)) {
        changed.put(resource.name(), resource);
      }
    }
    Rejections rejections = new Rejections();
    rejections.addAll(decoded.problems);
    dispatch(changed, removed, version, rejections);

    for (DecodedResource<T> resource : changed.values()) {
      if (!isInterested(resource.name())) {
        continue; // unsubscribed by a subscriber while it was being delivered
      }
      if (rejections.contains(resource.name())) {
        cache.recordFailure(resource.name(), resource.raw(), rejections.problem(resource.name()), version, now);
      } else {
        cache.accept(resource, now);
      }
    }
    cache.clearUnnamedFailures();
    decoded.problems.asMap().forEach((name, problem) -> {
      if (decoded.unnamedFailures.contains(name)) {
        cache.recordUnnamedFailure(name, decoded.failedRaw.get(name), problem, version, now);
      } else if (isInterested(name)) {
        cache.recordFailure(name, decoded.failedRaw.get(name), problem, version, now);
      }
    });
    for (String name : removed) {
      cache.remove(name);
      if (named.containsKey(name)) {
        cache.markDoesNotExist(name);
      }
    }

    for (SubscriberEntry<T> entry : wildcard) {
      entry.fetchCompleted();
    }
    named.forEach((name, entries) -> {
      if (decoded.mentions(name) || removed.contains(name)) {
        entries.forEach(SubscriberEntry::fetchCompleted);
      }
    });
    responded = true;
    return rejections;
  }

  private void dispatch(Map<String, DecodedResource<T>> changed, Set<String> removed, String version,
      Rejections rejections) {
    Map<String, T> collected = new LinkedHashMap<>();
    changed.forEach((name, resource) -> collected.put(name, resource.value()));
    Map<String, T> values = Collections.unmodifiableMap(collected);
    if (!wildcard.isEmpty()) {
      Set<String> removedKnown = new TreeSet<>(removed);
      removedKnown.removeIf(name -> !cache.contains(name));
      Set<String> removedView = Collections.unmodifiableSet(removedKnown);
      for (SubscriberEntry<T> entry : List.copyOf(wildcard)) {
        if (entry.ready) {
          rejections.addAll(entry.deliver(values, removedView, version));
        }
      }
    }
    for (Map.Entry<String, List<SubscriberEntry<T>>> e : List.copyOf(named.entrySet())) {
      String name = e.getKey();
      T value = values.get(name);
      boolean gone = removed.contains(name);
      if (value == null && !gone) {
        continue;
      }
      Map<String, T> one = value == null ? Map.of() : Map.of(name, value);
      Set<String> oneRemoved = gone ? Set.of(name) : Set.of();
      for (SubscriberEntry<T> entry : List.copyOf(e.getValue())) {
        if (entry.ready) {
          rejections.addAll(entry.deliver(one, oneRemoved, version));
        }
      }
    }
  }

  /** The response was ACKed: its version is the type's version now. */
  void onAccepted(String version) {
    acceptedVersion = version;
    lastUpdated = ctx.now();
    ctx.stats.onUpdateSuccess(type, version, lastUpdated);
  }

  /** The response was NACKed: the last accepted version stays. */
  void onRejected(Rejections rejections, String version) {
    String details = rejections.message(type, version);
    logger.warning(details);
    ctx.stats.onUpdateRejected(type, details);
  }

  /** The stream serving this type failed; subscribers keep what they have and hear about it. */
  void onStreamFailure(Status status) {
    if (!hasInterest()) {
      return;
    }
    ctx.stats.onUpdateAttempt(type);
    ctx.stats.onUpdateFailure(type, status);
    for (SubscriberEntry<T> entry : allEntries()) {
      entry.notifyError(status);
    }
  }

  private void initialDelivery(SubscriberEntry<T> entry) {
    if (entry.cancelled) {
      return;
    }
    entry.ready = true;
    if (entry.isWildcard()) {
      if (!responded) {
        return;
      }
      Map<String, T> all = new LinkedHashMap<>();
      cache.accepted().forEach((name, cached) -> all.put(name, cached.value()));
      recordLateRejections(entry.deliver(Collections.unmodifiableMap(all), Set.of(), acceptedVersion));
      entry.fetchCompleted();
      return;
    }
    ResourceCache.Entry<T> cached = cache.get(entry.name);
    if (cached != null) {
      recordLateRejections(entry.deliver(Map.of(entry.name, cached.value()), Set.of(), cached.version()));
      entry.fetchCompleted();
    }
  }

  /** A new subscriber rejected a resource already in force: there is no response left to NACK; keep the error. */
  private void recordLateRejections(Rejections rejections) {
    if (rejections.isEmpty()) {
      return;
    }
    Instant now = ctx.now();
    rejections.asMap().forEach((name, problem) -> {
      ResourceCache.Entry<T> cached = cache.get(name);
      cache.recordFailure(name, cached == null ? null : cached.raw(), problem,
          cached == null ? acceptedVersion : cached.version(), now);
    });
    logger.warning(() -> "a new subscriber rejected resources already in force: "
        + rejections.message(type, acceptedVersion));
  }

  private void onFetchTimeout(SubscriberEntry<T> entry) {
    entry.fetchTimer = null;
    if (entry.cancelled || entry.fetchDone) {
      return;
    }
    entry.fetchDone = true;
    if (!entry.isWildcard()) {
      cache.markDoesNotExist(entry.name);
    }
    logger.fine(() -> type + " initial fetch of " + entry.name + " timed out");
    ctx.stats.onUpdateAttempt(type);
    ctx.stats.onInitFetchTimeout(type);
    entry.notifyDoesNotExist();
  }

  private List<SubscriberEntry<T>> allEntries() {
    List<SubscriberEntry<T>> all = new ArrayList<>(wildcard);
    named.values().forEach(all::addAll);
    return all;
  }

  /** Cancels every subscription's timer (the client closes). */
  void shutdown() {
    for (SubscriberEntry<T> entry : allEntries()) {
      entry.cancelled = true;
      entry.stopTimer();
    }
    wildcard.clear();
    named.clear();
  }

  /** The type's entry of a snapshot, or empty when it has neither subscriptions nor resources. */
  Optional<XdsClientSnapshot.TypeSnapshot> snapshot() {
    Set<String> names = new TreeSet<>(named.keySet());
    names.addAll(cache.accepted().keySet());
    names.addAll(cache.failedNames());
    if (names.isEmpty() && wildcard.isEmpty() && acceptedVersion.isEmpty()) {
      return Optional.empty();
    }
    List<XdsClientSnapshot.ResourceSnapshot> resources = new ArrayList<>();
    for (String name : names) {
      ResourceCache.Entry<T> cached = cache.get(name);
      ClientResourceStatus status;
      if (cache.failure(name) != null) {
        status = ClientResourceStatus.NACKED;
      } else if (cached != null) {
        status = ClientResourceStatus.ACKED;
      } else if (cache.isKnownMissing(name)) {
        status = ClientResourceStatus.DOES_NOT_EXIST;
      } else {
        status = ClientResourceStatus.REQUESTED;
      }
      resources.add(new XdsClientSnapshot.ResourceSnapshot(name, status,
          cached == null ? "" : cached.version(),
          Optional.ofNullable(cached == null ? null : cached.updated()),
          Optional.ofNullable(cached == null ? null : cached.raw()),
          Optional.ofNullable(cache.failure(name))));
    }
    return Optional.of(new XdsClientSnapshot.TypeSnapshot(type, acceptedVersion,
        Optional.ofNullable(lastUpdated), !wildcard.isEmpty(), List.copyOf(resources)));
  }
}
