package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;

/** A consistent-hash table of one priority's hosts (a ring or a Maglev table), immutable and shared by workers. */
interface HashTable {
  Host pick(long hash);
}
