package dev.javoy.filters.listener.tls_inspector;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a TLS ClientHello from the first bytes of a connection without consuming them: TLS records (the
 * ClientHello may span several records and arrive over several reads), the handshake header, legacy version,
 * random, session id, cipher suites, compression methods and the extensions, of which {@code server_name} (SNI)
 * and {@code application_layer_protocol_negotiation} (ALPN) are kept. Anything that cannot start a TLS
 * handshake is reported as not TLS as soon as the bytes show it (usually the first byte).
 */
public final class ClientHelloParser {
  static final int RECORD_HEADER = 5;
  static final int CONTENT_TYPE_HANDSHAKE = 22;
  static final int HANDSHAKE_CLIENT_HELLO = 1;
  static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;
  static final int EXT_SERVER_NAME = 0;
  static final int EXT_ALPN = 16;

  /** What the bytes so far show. */
  public sealed interface Result {}

  /** More bytes are needed. */
  public record NeedMore() implements Result {}

  /** Not a TLS ClientHello. */
  public record NotTls() implements Result {}

  /** The ClientHello is longer than allowed. */
  public record TooLarge(int length) implements Result {}

  /**
   * A complete ClientHello.
   *
   * @param serverName the SNI host name, or "" when absent
   * @param alpn the offered protocols, empty when the extension is absent
   * @param bytes the bytes the ClientHello took, record headers included
   */
  public record ClientHello(String serverName, List<String> alpn, int bytes) implements Result {}

  private static final NeedMore NEED_MORE = new NeedMore();
  private static final NotTls NOT_TLS = new NotTls();

  private ClientHelloParser() {}

  /**
   * @param in the bytes read so far from its reader index (not consumed)
   * @param maxClientHelloSize the largest ClientHello accepted (handshake message with its 4-byte header)
   */
  public static Result parse(ByteBuf in, int maxClientHelloSize) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    if (end - start < 1) {
      return NEED_MORE;
    }
    if (in.getUnsignedByte(start) != CONTENT_TYPE_HANDSHAKE) {
      return NOT_TLS;
    }
    // Gather the handshake message from consecutive handshake records.
    byte[] message = null;
    int messageLength = -1;
    int have = 0;
    int pos = start;
    while (true) {
      if (end - pos < RECORD_HEADER) {
        return earlyCheck(in, pos, end) ? NEED_MORE : NOT_TLS;
      }
      int type = in.getUnsignedByte(pos);
      int major = in.getUnsignedByte(pos + 1);
      int recordLength = in.getUnsignedShort(pos + 3);
      if (type != CONTENT_TYPE_HANDSHAKE || major != 3 || recordLength == 0 || recordLength > MAX_RECORD_LENGTH) {
        return NOT_TLS;
      }
      int fragmentStart = pos + RECORD_HEADER;
      int available = Math.min(recordLength, end - fragmentStart);
      if (message == null) {
        // the handshake header is in the first record (records are at least 4 bytes long here when valid)
        if (available < 4) {
          if (recordLength < 4) {
            return NOT_TLS; // a handshake header split over records: legal but never sent by real clients
          }
          return available == 0 || in.getUnsignedByte(fragmentStart) == HANDSHAKE_CLIENT_HELLO ? NEED_MORE : NOT_TLS;
        }
        if (in.getUnsignedByte(fragmentStart) != HANDSHAKE_CLIENT_HELLO) {
          return NOT_TLS;
        }
        int bodyLength = in.getUnsignedMedium(fragmentStart + 1);
        messageLength = bodyLength + 4;
        if (messageLength > maxClientHelloSize) {
          return new TooLarge(messageLength);
        }
        message = new byte[messageLength];
      }
      int take = Math.min(available, messageLength - have);
      in.getBytes(fragmentStart, message, have, take);
      have += take;
      if (have == messageLength) {
        return body(message, fragmentStart + take - start);
      }
      if (available < recordLength) {
        return NEED_MORE; // the rest of this record has not arrived
      }
      pos = fragmentStart + recordLength;
    }
  }

  /** A partial record header that may still be a handshake record. */
  private static boolean earlyCheck(ByteBuf in, int pos, int end) {
    if (end - pos >= 1 && in.getUnsignedByte(pos) != CONTENT_TYPE_HANDSHAKE) {
      return false;
    }
    return end - pos < 2 || in.getUnsignedByte(pos + 1) == 3;
  }

  private static Result body(byte[] m, int consumed) {
    Reader r = new Reader(m, 4);
    try {
      r.skip(2 + 32); // legacy_version, random
      r.skip(r.u8()); // legacy_session_id
      int ciphers = r.u16();
      if (ciphers < 2 || (ciphers & 1) != 0) {
        return NOT_TLS;
      }
      r.skip(ciphers);
      int compression = r.u8();
      if (compression < 1) {
        return NOT_TLS;
      }
      r.skip(compression);
      String sni = "";
      List<String> alpn = List.of();
      if (r.remaining() > 0) {
        int extEnd = r.u16() + r.pos;
        if (extEnd > m.length) {
          return NOT_TLS;
        }
        while (r.pos < extEnd) {
          int type = r.u16();
          int len = r.u16();
          int next = r.pos + len;
          if (next > extEnd) {
            return NOT_TLS;
          }
          if (type == EXT_SERVER_NAME && sni.isEmpty()) {
            sni = serverName(new Reader(m, r.pos, next));
          } else if (type == EXT_ALPN && alpn.isEmpty()) {
            alpn = protocols(new Reader(m, r.pos, next));
          }
          r.pos = next;
        }
      }
      return new ClientHello(sni, alpn, consumed);
    } catch (IndexOutOfBoundsException e) {
      return NOT_TLS;
    }
  }

  private static String serverName(Reader r) {
    int listEnd = r.u16() + r.pos;
    while (r.pos < listEnd) {
      int nameType = r.u8();
      int len = r.u16();
      if (nameType == 0) {
        return new String(r.bytes(len), StandardCharsets.US_ASCII);
      }
      r.skip(len);
    }
    return "";
  }

  private static List<String> protocols(Reader r) {
    int listEnd = r.u16() + r.pos;
    List<String> out = new ArrayList<>(2);
    while (r.pos < listEnd) {
      int len = r.u8();
      if (len > 0) {
        out.add(new String(r.bytes(len), StandardCharsets.US_ASCII));
      }
    }
    return List.copyOf(out);
  }

  /** Bounds-checked big-endian reads over a byte array. */
  private static final class Reader {
    final byte[] a;
    final int limit;
    int pos;

    Reader(byte[] a, int pos) {
      this(a, pos, a.length);
    }

    Reader(byte[] a, int pos, int limit) {
      this.a = a;
      this.pos = pos;
      this.limit = limit;
    }

    int remaining() {
      return limit - pos;
    }

    private void need(int n) {
      if (n < 0 || pos + n > limit) {
        throw new IndexOutOfBoundsException();
      }
    }

    int u8() {
      need(1);
      return a[pos++] & 0xff;
    }

    int u16() {
      need(2);
      int v = ((a[pos] & 0xff) << 8) | (a[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    void skip(int n) {
      need(n);
      pos += n;
    }

    byte[] bytes(int n) {
      need(n);
      byte[] out = java.util.Arrays.copyOfRange(a, pos, pos + n);
      pos += n;
      return out;
    }
  }
}
