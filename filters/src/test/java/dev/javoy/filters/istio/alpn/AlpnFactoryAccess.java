package dev.javoy.filters.istio.alpn;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.ProtoJsonParser;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.stream.UpstreamAlpnOverride;

/** Test access to {@link AlpnFactory#parse}: an Any in JSON to the override table. */
public final class AlpnFactoryAccess {
  private AlpnFactoryAccess() {}

  public static UpstreamAlpnOverride parse(JsonNode anyJson, ProtoJsonParser parser) throws ConfigException {
    Any any = parser.parse(anyJson, Any.getDefaultInstance(), UnknownFieldPolicy.REJECT, "typed_config");
    Message m = TypedConfigs.unpack(any, new AlpnFactory().defaultConfig(), "typed_config",
        CoreTypes.defaultRegistry().typeRegistry());
    return AlpnFactory.parse(m);
  }
}
