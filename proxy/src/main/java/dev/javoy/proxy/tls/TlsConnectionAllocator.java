package dev.javoy.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;

/**
 * The buffer allocator of a TLS connection (downstream and upstream): Netty's pooled direct allocator with small
 * chunks, instead of the channel's default (Netty 4.2's adaptive allocator).
 *
 * <p>Why: {@code SslHandler} hands every buffer it wraps or unwraps to BoringSSL as a {@code ByteBuffer} view
 * ({@code ByteBuf.internalNioBuffer}). An adaptive buffer creates that view afresh for every new buffer (two
 * {@code DirectByteBuffer} objects: a duplicate and its slice), so each HTTPS request allocated about four views —
 * for the read, the decrypted request, the response head and the encrypted response. A pooled buffer takes its view
 * from its chunk's cache and returns it when released: no allocation per request. The handler allocates with
 * {@code ctx.alloc()}, the channel's allocator, so the choice is made on the channel when TLS is installed.
 *
 * <p>Memory: one arena per worker thread (up to the number of processors), chunks of {@link #CHUNK_SIZE} bytes
 * allocated when needed; thread caches only on Netty's event-loop threads.
 */
public final class TlsConnectionAllocator {

  /** Page 8 KiB, 32 pages per chunk: 256 KiB of direct memory per chunk (Netty's default chunk is 4 MiB). */
  static final int PAGE_SIZE = 8192;
  static final int MAX_ORDER = 5;
  static final int CHUNK_SIZE = PAGE_SIZE << MAX_ORDER;

  /** Shared by all TLS connections; thread-safe (an arena per thread, thread-local caches). */
  public static final ByteBufAllocator INSTANCE = new PooledByteBufAllocator(true, 0,
      Math.max(1, Runtime.getRuntime().availableProcessors()), PAGE_SIZE, MAX_ORDER,
      PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(), false);

  private TlsConnectionAllocator() {}

  /** Makes {@code ch} allocate its buffers (reads, codec output, TLS records) from {@link #INSTANCE}. */
  public static void use(Channel ch) {
    ch.config().setAllocator(INSTANCE);
  }
}
