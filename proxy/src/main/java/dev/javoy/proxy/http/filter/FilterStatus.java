package dev.javoy.proxy.http.filter;

/** What an HTTP filter tells the connection manager after seeing headers or data (Envoy's statuses). */
public enum FilterStatus {
  /** Pass to the next filter. */
  CONTINUE,
  /**
   * Stop here; the filter resumes iteration later with {@code continueDecoding()}/{@code continueEncoding()}.
   * Data arriving meanwhile is buffered by the connection manager (within the buffer limit).
   */
  STOP_ITERATION,
  /**
   * Data only: stop here and do not keep the data for later. The filter took what it needed (retaining it if
   * it keeps it) and passes its own data on with {@code injectDecodedData}/{@code injectEncodedData}, as a
   * body-transforming filter (compression) does. Envoy's {@code StopIterationNoBuffer}.
   */
  STOP_ITERATION_NO_BUFFER
}
