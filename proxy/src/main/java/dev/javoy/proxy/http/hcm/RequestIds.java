package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h1.UuidHeaderValue;
import java.util.concurrent.ThreadLocalRandom;

/** Envoy's UUID (version 4) request ids for {@code x-request-id}. */
final class RequestIds {
  private RequestIds() {}

  /**
   * A new random version 4 UUID (the thread's random: per worker, no lock), kept as its bits: its text is written
   * straight into the encoded head, and becomes a String only if something asks for one.
   */
  static UuidHeaderValue newUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return UuidHeaderValue.version4(r.nextLong(), r.nextLong());
  }
}
