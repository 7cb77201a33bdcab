package dev.javoy.xds;

/** The four protocol variants: state of the world or delta, over ADS or per-type streams. */
enum Variant {
  SOTW_ADS(XdsProtocol.STATE_OF_THE_WORLD, true),
  SOTW_PER_TYPE(XdsProtocol.STATE_OF_THE_WORLD, false),
  DELTA_ADS(XdsProtocol.DELTA, true),
  DELTA_PER_TYPE(XdsProtocol.DELTA, false);

  final XdsProtocol protocol;
  final boolean aggregated;

  Variant(XdsProtocol protocol, boolean aggregated) {
    this.protocol = protocol;
    this.aggregated = aggregated;
  }

  boolean delta() {
    return protocol == XdsProtocol.DELTA;
  }
}
