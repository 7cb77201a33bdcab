package dev.javoy.filters.compression;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out (buffers made by it say so in {@code alloc()}, so
 * codec output made "with the input's allocator" is tracked too), to check deterministically that nothing
 * leaked: every buffer must be released by the end of a test.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> made = new ArrayList<>();

  public TrackingAllocator(boolean preferDirect) {
    super(preferDirect);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(new CompositeByteBuf(this, false, maxNumComponents));
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return track(new CompositeByteBuf(this, true, maxNumComponents));
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private <B extends ByteBuf> B track(B b) {
    made.add(b);
    return b;
  }

  public int allocations() {
    return made.size();
  }

  /** Fails when a buffer made here is still referenced. */
  public void assertAllReleased() {
    int live = 0;
    for (ByteBuf b : made) {
      if (b.refCnt() != 0) {
        live++;
      }
    }
    if (live > 0) {
      fail(live + " of " + made.size() + " buffers were not released");
    }
  }
}
