package dev.javoy.proxy.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small parser of the Prometheus text exposition format, strict the way a scraper is: every sample must
 * belong to the family of the latest {@code # TYPE} line, a family may be declared once, label values are
 * quoted with escapes, values are numbers.
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String type, List<Sample> samples) {}

  final Map<String, Family> families = new LinkedHashMap<>();

  static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    Family current = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        if (parts.length != 2 || !List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1])) {
          throw new IllegalArgumentException("bad TYPE line: " + line);
        }
        if (out.families.containsKey(parts[0])) {
          throw new IllegalArgumentException("family declared twice: " + parts[0]);
        }
        checkName(parts[0]);
        current = new Family(parts[0], parts[1], new ArrayList<>());
        out.families.put(parts[0], current);
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Sample s = sample(line);
      if (current == null || !belongs(s.name(), current)) {
        throw new IllegalArgumentException("sample outside its family: " + line);
      }
      current.samples().add(s);
    }
    return out;
  }

  private static boolean belongs(String sample, Family f) {
    if (sample.equals(f.name())) {
      return !f.type().equals("histogram");
    }
    return f.type().equals("histogram") && (sample.equals(f.name() + "_bucket") || sample.equals(f.name() + "_sum")
        || sample.equals(f.name() + "_count"));
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        checkName(label);
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("unquoted label value: " + line);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char next = line.charAt(j + 1);
            value.append(next == 'n' ? '\n' : next);
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException("duplicate label " + label + ": " + line);
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      rest = i + 1;
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    checkName(name);
    if (line.charAt(rest) != ' ') {
      throw new IllegalArgumentException("no space before value: " + line);
    }
    String v = line.substring(rest + 1);
    double value = v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
    return new Sample(name, labels, value);
  }

  private static void checkName(String name) {
    if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      throw new IllegalArgumentException("invalid metric or label name: " + name);
    }
  }
}
