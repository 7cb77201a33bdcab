/**
 * javoy's xDS client: subscriptions to Envoy v3 resources from one management server, over ADS or
 * per-type streams, in the state-of-the-world or incremental (delta) protocol.
 *
 * <h2>Use</h2>
 * Build an {@link dev.javoy.xds.XdsClientConfig} (node, {@link dev.javoy.xds.XdsServerTarget}, the Netty
 * event loop group and channel class of the transport, the event loop that owns the client), create an
 * {@link dev.javoy.xds.XdsClient}, and {@link dev.javoy.xds.XdsClient#subscribe subscribe} to resources of a
 * {@link dev.javoy.xds.ResourceType}. A {@link dev.javoy.xds.ResourceSubscriber} validates and applies what
 * it gets and returns what it rejected; the client ACKs, or NACKs naming each rejected resource, while the
 * resources that validated stay applied (partial acceptance, as in Envoy).
 *
 * <h2>Threads</h2>
 * Everything runs on the configured event loop: gRPC call callbacks (the calls' executor is that loop),
 * timers, and every subscriber callback. Nothing is locked; public methods hop onto the loop.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@code TypeState}: per type, the subscribers, the resources in force ({@code ResourceCache}), the
 *       last accepted version; applies a decoded response by dispatching it to the subscribers.
 *   <li>{@code SotwStream}, {@code DeltaStream}: one gRPC stream each, with the state that lives as long as
 *       it does (nonces, names already sent, whether the node was sent); they build requests, ACKs, NACKs.
 *   <li>{@code StreamSupervisor}: opens a stream when a carried type gets subscriptions; after a failure
 *       waits a jittered exponential back-off ({@code JitteredBackoff}, Envoy's 500 ms to 30 s) and opens a
 *       new one, which resends the subscriptions with the last accepted versions.
 *   <li>{@code ResourceDecoder}: unwraps {@code Resource}, unpacks, names, refuses duplicates.
 *   <li>{@link dev.javoy.xds.XdsChannelFactory}: the grpc-netty channel on the caller's event loops (TCP or
 *       Unix socket, plaintext or TLS, keepalive).
 * </ul>
 */
package dev.javoy.xds;
