package dev.javoy.filters.istio.authn;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.istio.IstioProxyProtos;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Set;

/**
 * Istio ≤1.9's HTTP {@code istio_authn} filter ({@code istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig}):
 * peer authentication by the {@code policy}'s {@code peers}. javoy's listeners have no TLS yet, so every request
 * is plaintext: a policy whose peers accept plaintext ({@code mtls} with mode {@code PERMISSIVE} or
 * {@code allow_tls}, or {@code peer_is_optional}, or no peers) lets it through without a peer identity; a
 * {@code STRICT} mTLS policy rejects it with 401, as Istio's filter rejects a request without a client
 * certificate. Origin (JWT) authentication ({@code origins}, {@code peers[].jwt}) is not implemented and rejected.
 * The trust domain settings only apply to mTLS peers and have no effect on plaintext.
 */
public final class IstioAuthnHttpFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.HTTP_AUTHN_CONFIG);
  }

  @Override
  public List<String> names() {
    return List.of("istio_authn", "istio.authentication");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of("policy", "skip_validate_trust_domain", "allowed_trust_domains"));
    Message policy = (Message) get(config, "policy");
    FieldSupport.check(policy, "policy", Set.of("targets", "peers", "peer_is_optional", "principal_binding"));
    @SuppressWarnings("unchecked")
    List<Message> peers = (List<Message>) get(policy, "peers");
    boolean plaintextAccepted = peers.isEmpty() || (Boolean) get(policy, "peer_is_optional");
    for (int i = 0; i < peers.size(); i++) {
      String path = "policy.peers[" + i + "]";
      Message peer = peers.get(i);
      FieldSupport.check(peer, path, Set.of("mtls"));
      Message mtls = (Message) get(peer, "mtls");
      FieldSupport.check(mtls, path + ".mtls", Set.of("allow_tls", "mode"));
      String mode = ((EnumValueDescriptor) get(mtls, "mode")).getName();
      if (mode.equals("PERMISSIVE") || (Boolean) get(mtls, "allow_tls")) {
        plaintextAccepted = true;
      }
    }
    if (plaintextAccepted) {
      return callbacks -> PASS;
    }
    return callbacks -> new HttpFilter() {
      @Override
      public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
        // Plaintext under a STRICT mTLS policy: no peer certificate.
        callbacks.sendLocalReply(401, "Peer authentication failed.", null, "peer_authentication_failed");
        return FilterStatus.STOP_ITERATION;
      }
    };
  }

  private static final HttpFilter PASS = new HttpFilter() {};

  private static Object get(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    return m.getField(f);
  }
}
