package dev.javoy.proxy.http.localreply;

import java.util.List;
import java.util.Map;

/**
 * A local reply after {@code local_reply_config}: what the connection manager sends.
 *
 * @param status the final HTTP status
 * @param body the final body (may be empty)
 * @param contentType the content type of the body (set it only when the body is not empty, as Envoy)
 * @param headers headers the matching mapper adds, in order, with its append actions already applied among
 *     themselves; add them to the otherwise empty response headers before content-type and content-length
 */
public record LocalReply(int status, byte[] body, String contentType, List<Map.Entry<String, String>> headers) {}
