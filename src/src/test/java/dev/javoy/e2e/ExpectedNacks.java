package dev.javoy.e2e;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resources of the Istio config dumps javoy is expected to reject today, with the reason (a substring of the
 * NACK's message), from {@code /e2e/istio-dump-expected-nacks.tsv}: {@code <dump file> TAB <listener|cluster|route|
 * endpoint> TAB <name> TAB <reason>}. Entries go away as the features land; the list may only shrink.
 */
final class ExpectedNacks {
  private ExpectedNacks() {}

  /** {@code "<kind> <name>"} → reason, for one dump file. */
  static Map<String, String> of(String dumpFile) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = ExpectedNacks.class.getResourceAsStream("/e2e/istio-dump-expected-nacks.tsv")) {
      if (in == null) {
        return out;
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", 4);
        if (f.length == 4 && f[0].equals(dumpFile)) {
          out.put(f[1] + " " + f[2], f[3]);
        }
      }
    }
    return out;
  }
}
