package dev.javoy.proxy.http.h1;

/**
 * Which names a {@link FlatHttpHeaders} may hold, in one {@code int} (a one-word Bloom filter, an int so that the map stays a 32-byte object): every name sets the
 * bit of its length, last and middle letters (case-insensitive, as header names compare). The map builds it as
 * headers are added, which is the decoder's own pass over the head, so a lookup of a name whose bit is clear (most
 * lookups a proxy makes: {@code transfer-encoding}, {@code expect}, {@code x-forwarded-for}, {@code x-request-id},
 * {@code x-envoy-retry-on}, ...) answers "absent" without scanning the list. A set bit only means "maybe".
 */
public final class HeaderNameSummary {
  private HeaderNameSummary() {}

  /** The bit of {@code name}: equal for names equal ignoring ASCII case. */
  public static int bitOf(CharSequence name) {
    int n = name.length();
    if (n == 0) {
      return 1;
    }
    int last = name.charAt(n - 1) | 0x20;
    int mid = name.charAt(n >> 1) | 0x20;
    return 1 << ((n * 3 + last * 2 + mid * 3) & 31); // spreads the usual request/response names well
  }
}
