package dev.javoy.proxy.secret;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM text ({@code -----BEGIN label-----} base64 {@code -----END label-----}), with their DER
 * bytes; text between blocks is ignored, as OpenSSL does. Headers ({@code Proc-Type: ...}) are not supported.
 */
final class PemBlocks {
  /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and decoded bytes. */
  record Block(String label, byte[] der) {}

  private PemBlocks() {}

  /** @throws IllegalArgumentException when a block is unterminated, mislabelled or not base64 */
  static List<Block> parse(String text) {
    List<Block> out = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", at);
      if (begin < 0) {
        return out;
      }
      int labelEnd = text.indexOf("-----", begin + 11);
      if (labelEnd < 0) {
        throw new IllegalArgumentException("malformed PEM BEGIN line");
      }
      String label = text.substring(begin + 11, labelEnd);
      String endLine = "-----END " + label + "-----";
      int end = text.indexOf(endLine, labelEnd + 5);
      if (end < 0) {
        throw new IllegalArgumentException("PEM block '" + label + "' has no END line");
      }
      String body = text.substring(labelEnd + 5, end);
      if (body.contains(":")) {
        throw new IllegalArgumentException("PEM block '" + label + "' has headers (legacy encrypted keys are not supported)");
      }
      try {
        out.add(new Block(label, Base64.getMimeDecoder().decode(body.strip())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("PEM block '" + label + "' is not valid base64");
      }
      at = end + endLine.length();
    }
  }
}
