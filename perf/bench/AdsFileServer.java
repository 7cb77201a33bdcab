import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A state-of-the-world ADS server for perf/bench/startup.sh --xds: serves the listeners and clusters of a static
 * bootstrap file as LDS and CDS (version "1", every resource to every request of the type, once per stream), so
 * javoy's start-up from xDS can be compared with the same config given statically. Runs from javoy's jar:
 * {@code java -cp javoy.jar perf/bench/AdsFileServer.java <static-bootstrap.yaml> <port>}. Loopback only.
 */
public final class AdsFileServer {
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  public static void main(String[] args) throws Exception {
    String yaml = Files.readString(Path.of(args[0]));
    Bootstrap bootstrap = new BootstrapLoader(CoreTypes.defaultRegistry().anyTypes())
        .parse(yaml, ConfigDocuments.Syntax.YAML, UnknownFieldPolicy.REJECT, args[0]);
    List<? extends Message> listeners = bootstrap.getStaticResources().getListenersList();
    List<? extends Message> clusters = bootstrap.getStaticResources().getClustersList();
    var service = new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
      @Override
      public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
        return new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryRequest request) {
            if (!request.getResponseNonce().isEmpty()) {
              return; // an ACK (or NACK) of what was sent: nothing changes
            }
            List<? extends Message> resources = switch (request.getTypeUrl()) {
              case LDS -> listeners;
              case CDS -> clusters;
              default -> List.of();
            };
            DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder().setVersionInfo("1")
                .setTypeUrl(request.getTypeUrl()).setNonce("n-" + request.getTypeUrl().hashCode());
            for (Message m : resources) {
              response.addResources(Any.pack(m));
            }
            synchronized (out) {
              out.onNext(response.build());
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    };
    NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])))
        .addService(service).build().start();
    System.out.println("ads serving " + listeners.size() + " listeners, " + clusters.size() + " clusters");
    Thread.currentThread().join();
  }
}
