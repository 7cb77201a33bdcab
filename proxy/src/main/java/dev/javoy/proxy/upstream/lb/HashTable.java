package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;

/** A consistent-hash table of one priority's hosts (a ring or a Maglev table), immutable and shared by workers. */
interface HashTable {
  /**
   * @param attempt 0, or the number of the re-selection for a request whose earlier choice a retry host
   *     predicate rejected (the table then looks elsewhere, as Envoy's)
   */
  Host pick(long hash, int attempt);
}
