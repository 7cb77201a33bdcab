package dev.javoy.proxy.stats;

/**
 * A string stat (Envoy text readout), such as {@code cluster_manager.cds.version_text}. Set on the main thread,
 * read by the admin; not exported to Prometheus, as in Envoy.
 */
public final class TextReadout extends Stat {
  private volatile String value = "";

  TextReadout(StatsStore store, String name, int id) {
    super(store, name, id);
  }

  public void set(String value) {
    if (id >= 0) {
      this.value = value == null ? "" : value;
    }
  }

  public String value() {
    return value;
  }

  @Override
  public boolean used() {
    return !value.isEmpty();
  }
}
