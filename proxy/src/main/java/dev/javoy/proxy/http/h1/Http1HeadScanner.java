package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Finds the end of an HTTP/1.1 head (start line and header lines up to the blank line) or of a chunked body's
 * trailer section in a buffer that may hold only part of it, without copying: it remembers how far it has looked,
 * so bytes arriving in many reads are scanned once. Enforces the size limits as it goes (Envoy's
 * {@code max_request_headers_kb} / {@code max_response_headers_kb}; the start line has the same limit on its own,
 * as the Netty codec had): a head over the limit is a {@link TooLongHttpLineException} or
 * {@link TooLongHttpHeaderException} (431 downstream) before it is complete. Line-ending rules (CRLF only) are the
 * parser's ({@link Http1HeaderLines}); here any LF ends a line.
 */
public final class Http1HeadScanner {
  private final int maxLine;
  private final int maxHeaders;
  private final boolean startLine;
  /** Bytes past the reader index already looked at. */
  private int scanned;
  /** Offset (from the reader index) of the line being scanned. */
  private int lineStart;
  private boolean inStartLine;
  private int headerBytes;
  private int lines;
  private int lastLines;

  /**
   * @param startLine whether the section begins with a start line (a head), else it is header lines only (trailers)
   */
  public Http1HeadScanner(int maxLine, int maxHeaders, boolean startLine) {
    this.maxLine = maxLine;
    this.maxHeaders = maxHeaders;
    this.startLine = startLine;
    reset();
  }

  public void reset() {
    scanned = 0;
    lineStart = 0;
    inStartLine = startLine;
    headerBytes = 0;
    lines = 0;
  }

  /** How many header lines the last complete section had (to size its header map). */
  public int headerLines() {
    return lastLines;
  }

  /**
   * The length of the complete section from {@code in}'s reader index (through the LF of its blank line), or -1
   * while more bytes are needed. Trailers may be empty: a lone blank line is a section of its own.
   */
  public int scan(ByteBuf in) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    int pos = r + scanned;
    while (pos < w) {
      int lf = in.indexOf(pos, w, (byte) '\n');
      if (lf < 0) {
        pos = w;
        break;
      }
      int start = r + lineStart;
      int len = lf - start; // includes the CR, if any
      if (inStartLine) {
        if (len - 1 > maxLine) {
          throw tooLongLine();
        }
        inStartLine = false;
      } else if (len == 0 || (len == 1 && in.getByte(start) == '\r')) {
        int end = lf + 1 - r;
        lastLines = lines;
        reset();
        return end;
      } else {
        headerBytes += len - 1;
        lines++;
        if (headerBytes > maxHeaders) {
          throw tooLongHeaders();
        }
      }
      pos = lf + 1;
      lineStart = pos - r;
    }
    scanned = pos - r;
    int partial = w - (r + lineStart);
    if (inStartLine ? partial - 1 > maxLine : headerBytes + partial - 1 > maxHeaders) {
      throw inStartLine ? tooLongLine() : tooLongHeaders();
    }
    return -1;
  }

  private TooLongHttpLineException tooLongLine() {
    reset();
    return new TooLongHttpLineException("An HTTP line is larger than " + maxLine + " bytes.");
  }

  private TooLongHttpHeaderException tooLongHeaders() {
    reset();
    return new TooLongHttpHeaderException("HTTP header is larger than " + maxHeaders + " bytes.");
  }
}
