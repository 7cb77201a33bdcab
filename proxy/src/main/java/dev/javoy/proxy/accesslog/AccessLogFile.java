package dev.javoy.proxy.accesslog;

import dev.javoy.proxy.log.Log;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * One access log destination (a file, or the process's stdout/stderr), shared by every logger that names it
 * (Envoy's {@code AccessLogFile}). Workers hand it complete lines with {@link #write}, which never blocks: the
 * line goes on a lock-free queue, and the flusher thread of {@link AccessLogFiles} writes the queue out on
 * every flush interval or as soon as {@code --file-flush-min-size-kb} is pending. When more than the
 * configured maximum is pending (the disk or pipe is stalled), lines are dropped and counted as
 * {@code filesystem.write_failed}.
 */
public final class AccessLogFile {
  private static final Logger LOG = Log.get("main");

  private final String path;
  private final AccessLogFiles.Destination destination;
  private final AccessLogFiles owner;
  private final MpscUnboundedArrayQueue<byte[]> queue = new MpscUnboundedArrayQueue<>(1024);
  private final AtomicLong pendingBytes = new AtomicLong();
  private volatile boolean reopenRequested;
  private FileChannel channel; // flusher only (under the owner's flush lock)
  private boolean failureLogged;

  AccessLogFile(String path, AccessLogFiles.Destination destination, AccessLogFiles owner) throws IOException {
    this.path = path;
    this.destination = destination;
    this.owner = owner;
    this.channel = openChannel();
  }

  public String path() {
    return path;
  }

  /** Bytes handed to {@link #write} and not yet written out. */
  public long pendingBytes() {
    return pendingBytes.get();
  }

  /**
   * Queues one complete entry. Never blocks and never does I/O.
   *
   * @return false when the entry was dropped because too much is pending
   */
  public boolean write(byte[] line) {
    AccessLogFiles.FileStats stats = owner.stats();
    long pending = pendingBytes.addAndGet(line.length);
    if (pending > owner.maxPendingBytes()) {
      pendingBytes.addAndGet(-line.length);
      stats.writeFailed().inc();
      return false;
    }
    queue.offer(line);
    stats.writeBuffered().inc();
    stats.writeTotalBuffered().add(line.length);
    if (pending >= owner.flushMinBytes()) {
      owner.wakeFlusher();
    }
    return true;
  }

  /** Reopens the file before the next write out (after log rotation; Envoy's {@code /reopen_logs}). */
  public void reopen() {
    reopenRequested = true;
  }

  /**
   * Writes out everything queued. Called by the flusher thread, or at close, under the owner's flush lock.
   *
   * @param scratch the flusher's direct buffer
   */
  void flush(ByteBuffer scratch, boolean byTimer) {
    AccessLogFiles.FileStats stats = owner.stats();
    if (byTimer) {
      stats.flushedByTimer().inc();
    }
    if (reopenRequested) {
      reopenRequested = false;
      reopenNow();
    }
    long drained = 0;
    boolean wrote = false;
    scratch.clear();
    byte[] line;
    while ((line = queue.relaxedPoll()) != null) {
      drained += line.length;
      if (line.length > scratch.remaining()) {
        wrote |= writeScratch(scratch);
        if (line.length > scratch.capacity()) {
          wrote |= writeOut(ByteBuffer.wrap(line));
          continue;
        }
      }
      scratch.put(line);
    }
    wrote |= writeScratch(scratch);
    if (drained > 0) {
      pendingBytes.addAndGet(-drained);
      stats.writeTotalBuffered().add(-drained);
    }
    if (wrote) {
      stats.writeCompleted().inc();
    }
  }

  private boolean writeScratch(ByteBuffer scratch) {
    scratch.flip();
    boolean wrote = writeOut(scratch);
    scratch.clear();
    return wrote;
  }

  /** Writes the remaining bytes of {@code buf}; false when there were none or the write failed. */
  private boolean writeOut(ByteBuffer buf) {
    if (!buf.hasRemaining()) {
      return false;
    }
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      failureLogged = false;
      return true;
    } catch (IOException | RuntimeException e) {
      owner.stats().writeFailed().inc();
      if (!failureLogged) {
        failureLogged = true;
        LOG.log(Level.WARNING, "access log write to " + path + " failed: " + e.getMessage());
      }
      return false;
    }
  }

  private void reopenNow() {
    if (destination != AccessLogFiles.Destination.FILE) {
      return;
    }
    try {
      FileChannel fresh = openChannel();
      FileChannel old = channel;
      channel = fresh;
      old.close();
    } catch (IOException e) {
      owner.stats().reopenFailed().inc();
      LOG.log(Level.WARNING, "access log reopen of " + path + " failed: " + e.getMessage());
    }
  }

  private FileChannel openChannel() throws IOException {
    switch (destination) {
      case STDOUT:
        return new FileOutputStream(FileDescriptor.out).getChannel();
      case STDERR:
        return new FileOutputStream(FileDescriptor.err).getChannel();
      default:
        return FileChannel.open(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    }
  }

  /** Closes the file (not the process's stdout/stderr). Under the owner's flush lock. */
  void close() {
    if (destination == AccessLogFiles.Destination.FILE) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing at shutdown: nothing to do
      }
    }
  }
}
