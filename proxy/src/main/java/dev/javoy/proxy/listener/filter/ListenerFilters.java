package dev.javoy.proxy.listener.filter;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.ListenerFilterFactory;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A listener's compiled {@code listener_filters} with {@code listener_filters_timeout} (Envoy's default 15 s; 0
 * disables it) and {@code continue_on_listener_filters_timeout}. Immutable, shared by the workers.
 */
public final class ListenerFilters {
  public static final ListenerFilters NONE = new ListenerFilters(List.of(), 15_000, false);
  static final String ORIGINAL_DST = "envoy.filters.listener.original_dst";
  private static final Set<String> FILTER_FIELDS = Set.of("name", "typed_config", "filter_disabled");

  /** One configured filter and its {@code filter_disabled} predicate (null when always enabled). */
  public record Entry(String name, ListenerFilter filter, ListenerFilterMatcher disabled) {}

  private final List<Entry> entries;
  private final long timeoutMillis;
  private final boolean continueOnTimeout;

  public ListenerFilters(List<Entry> entries, long timeoutMillis, boolean continueOnTimeout) {
    this.entries = List.copyOf(entries);
    this.timeoutMillis = timeoutMillis;
    this.continueOnTimeout = continueOnTimeout;
  }

  /**
   * The listener's filters in order; with {@code use_original_dst} Envoy appends the original_dst filter itself
   * (so the destination is restored even when the config does not list it).
   */
  public static ListenerFilters from(Listener l, String path, FactoryContext ctx) throws ConfigException {
    long timeout = l.hasListenerFiltersTimeout() ? Durations.toMillis(l.getListenerFiltersTimeout()) : 15_000;
    boolean useOriginalDst = l.hasUseOriginalDst() && l.getUseOriginalDst().getValue();
    if (l.getListenerFiltersCount() == 0 && !useOriginalDst) {
      return timeout == 15_000 && !l.getContinueOnListenerFiltersTimeout() ? NONE
          : new ListenerFilters(List.of(), timeout, l.getContinueOnListenerFiltersTimeout());
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < l.getListenerFiltersCount(); i++) {
      var lf = l.getListenerFilters(i);
      String fp = FieldSupport.index(path, "listener_filters", i);
      FieldSupport.check(lf, fp, FILTER_FIELDS);
      var r = ctx.extensions().resolve(ListenerFilterFactory.class, fp, lf.getName(),
          lf.hasTypedConfig() ? lf.getTypedConfig() : null);
      ListenerFilter f;
      try {
        f = r.factory().create(r.config(), ctx);
      } catch (ConfigException e) {
        throw e.under(fp + ".typed_config");
      }
      ListenerFilterMatcher disabled = lf.hasFilterDisabled()
          ? ListenerFilterMatcher.from(lf.getFilterDisabled(), fp + ".filter_disabled") : null;
      out.add(new Entry(lf.getName(), f, disabled));
    }
    if (useOriginalDst) {
      ListenerFilterFactory originalDst = ctx.extensions().registry().byName(ListenerFilterFactory.class,
          ORIGINAL_DST);
      if (originalDst == null) {
        throw new ConfigException(path + ".use_original_dst", "use_original_dst needs the listener filter "
            + ORIGINAL_DST + ", which is not available");
      }
      out.add(new Entry(ORIGINAL_DST, originalDst.create(originalDst.defaultConfig(), ctx), null));
    }
    return new ListenerFilters(out, timeout, l.getContinueOnListenerFiltersTimeout());
  }

  public List<Entry> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** {@code listener_filters_timeout} in milliseconds; 0 means none. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  public boolean continueOnTimeout() {
    return continueOnTimeout;
  }
}
