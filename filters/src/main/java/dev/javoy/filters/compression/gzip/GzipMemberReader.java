package dev.javoy.filters.compression.gzip;

import dev.javoy.filters.compression.DecompressionException;
import java.nio.ByteBuffer;

/**
 * The framing of one gzip member (RFC 1952) around its deflate data, read a byte at a time as it arrives in
 * chunks: the header with its optional fields, then (after the deflate data) the CRC-32 and size trailer.
 */
final class GzipMemberReader {
  static final String DATA_ERROR = "zlib_data_error";
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private enum Part { FIXED, EXTRA_LENGTH, EXTRA, NAME, COMMENT, HEADER_CRC, DONE }

  private Part part = Part.FIXED;
  private int flags;
  private int count;
  private int extraLength;
  private final byte[] trailer = new byte[8];
  private int trailerBytes;

  /**
   * Consumes header bytes from {@code in}.
   *
   * @return whether the header is complete (the deflate data starts at {@code in}'s position)
   */
  boolean readHeader(ByteBuffer in) throws DecompressionException {
    while (part != Part.DONE && in.hasRemaining()) {
      int b = in.get() & 0xff;
      switch (part) {
        case FIXED -> fixed(b);
        case EXTRA_LENGTH -> {
          extraLength |= b << (8 * count++);
          if (count == 2) {
            count = 0;
            part = extraLength > 0 ? Part.EXTRA : after(Part.EXTRA);
          }
        }
        case EXTRA -> {
          if (++count == extraLength) {
            count = 0;
            part = after(Part.EXTRA);
          }
        }
        case NAME -> part = b == 0 ? after(Part.NAME) : Part.NAME;
        case COMMENT -> part = b == 0 ? after(Part.COMMENT) : Part.COMMENT;
        case HEADER_CRC -> {
          if (++count == 2) {
            part = Part.DONE;
          }
        }
        default -> throw new IllegalStateException(part.name());
      }
    }
    return part == Part.DONE;
  }

  private void fixed(int b) throws DecompressionException {
    switch (count) {
      case 0, 1 -> {
        if (b != (count == 0 ? 0x1f : 0x8b)) {
          throw new DecompressionException(DATA_ERROR, "incorrect gzip header check");
        }
      }
      case 2 -> {
        if (b != 8) {
          throw new DecompressionException(DATA_ERROR, "unknown gzip compression method " + b);
        }
      }
      case 3 -> {
        if ((b & 0xe0) != 0) {
          throw new DecompressionException(DATA_ERROR, "unknown gzip header flags set");
        }
        flags = b;
      }
      default -> { } // MTIME, XFL, OS
    }
    if (++count == 10) {
      count = 0;
      part = after(Part.FIXED);
    }
  }

  /** The optional header part that follows {@code done}, as the flags say. */
  private Part after(Part done) {
    if (done.ordinal() < Part.EXTRA_LENGTH.ordinal() && (flags & FEXTRA) != 0) {
      return Part.EXTRA_LENGTH;
    }
    if (done.ordinal() < Part.NAME.ordinal() && (flags & FNAME) != 0) {
      return Part.NAME;
    }
    if (done.ordinal() < Part.COMMENT.ordinal() && (flags & FCOMMENT) != 0) {
      return Part.COMMENT;
    }
    if (done.ordinal() < Part.HEADER_CRC.ordinal() && (flags & FHCRC) != 0) {
      return Part.HEADER_CRC;
    }
    return Part.DONE;
  }

  /**
   * Consumes trailer bytes from {@code in}.
   *
   * @return whether the trailer is complete and matches {@code crc} and {@code size}
   */
  boolean readTrailer(ByteBuffer in, long crc, long size) throws DecompressionException {
    while (trailerBytes < 8 && in.hasRemaining()) {
      trailer[trailerBytes++] = in.get();
    }
    if (trailerBytes < 8) {
      return false;
    }
    if (littleEndian(0) != crc) {
      throw new DecompressionException(DATA_ERROR, "incorrect gzip data check");
    }
    if (littleEndian(4) != (size & 0xffffffffL)) {
      throw new DecompressionException(DATA_ERROR, "incorrect gzip length check");
    }
    return true;
  }

  private long littleEndian(int at) {
    return (trailer[at] & 0xffL) | (trailer[at + 1] & 0xffL) << 8 | (trailer[at + 2] & 0xffL) << 16
        | (trailer[at + 3] & 0xffL) << 24;
  }
}
