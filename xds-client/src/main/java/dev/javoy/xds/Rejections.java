package dev.javoy.xds;

import com.google.rpc.Code;
import com.google.rpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/** The resources of a response that were rejected, each with its problem; becomes a NACK's {@code error_detail}. */
final class Rejections {
  private final Map<String, String> problems = new LinkedHashMap<>();

  /** Records a problem; a second problem of the same resource is appended. */
  void add(String name, String problem) {
    String text = problem == null || problem.isBlank() ? "rejected" : problem;
    problems.merge(name, text, (a, b) -> a.equals(b) ? a : a + "; " + b);
  }

  void addAll(Rejections other) {
    other.problems.forEach(this::add);
  }

  boolean contains(String name) {
    return problems.containsKey(name);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  String problem(String name) {
    return problems.get(name);
  }

  Map<String, String> asMap() {
    return problems;
  }

  /** One line per rejected resource, after a summary line. */
  String message(ResourceType<?> type, String version) {
    StringBuilder sb = new StringBuilder();
    sb.append(type.shortName()).append(" update ");
    if (!version.isEmpty()) {
      sb.append("at version ").append(version).append(' ');
    }
    sb.append("rejected ").append(problems.size()).append(" resource(s):");
    problems.forEach((name, problem) -> sb.append('\n').append(name).append(": ").append(problem));
    return sb.toString();
  }

  /** The {@code error_detail} of a NACK. */
  Status toStatus(ResourceType<?> type, String version) {
    return Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(message(type, version)).build();
  }
}
