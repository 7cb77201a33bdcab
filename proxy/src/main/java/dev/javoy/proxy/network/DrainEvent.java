package dev.javoy.proxy.network;

/**
 * Fired through a connection's pipeline (on its event loop) when its listener starts draining, so that
 * protocol handlers can close idle connections at once (Envoy's drain close of HTTP/1.1 connections without
 * an active stream). Connections in the middle of a request close after its response.
 */
public final class DrainEvent {
  public static final DrainEvent INSTANCE = new DrainEvent();

  private DrainEvent() {}
}
