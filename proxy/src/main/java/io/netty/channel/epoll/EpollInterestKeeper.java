package io.netty.channel.epoll;

import io.netty.channel.Channel;
import java.io.IOException;

/**
 * javoy's workaround for a Netty 4.2.18 epoll defect (javoy's class, in Netty's package only to reach the
 * package-private interest flags of an {@link AbstractEpollChannel}).
 *
 * <p>The defect: when a half-closable channel's input is shut down (the peer's FIN) while no EPOLLOUT is pending,
 * its interest set becomes empty; the registration then removes the descriptor from epoll ({@code EPOLL_CTL_DEL})
 * but keeps its state "added", so the next write that fills the socket buffer asks for EPOLLOUT with
 * {@code EPOLL_CTL_MOD}, gets ENOENT, and Netty shuts the output down with the queued bytes lost.
 *
 * <p>The workaround keeps EPOLLERR in the channel's interest set for its whole life, so the set is never empty and
 * the descriptor is never removed while the channel is open. epoll reports EPOLLERR whether asked for or not, and
 * Netty's event handling already treats a reported EPOLLERR as "ready to read and write" (it then finds the error
 * on the socket), so asking for it changes no behaviour other than avoiding the empty set.
 *
 * <p>Once the channel's output is shut down it writes no more, so the defect cannot strike; the flag must then go
 * ({@link #release}): a socket shut down both ways reports EPOLLHUP on every epoll_wait, which Netty ignores, and
 * with the descriptor still registered the event loop would spin until the channel closes.
 */
public final class EpollInterestKeeper {
  private EpollInterestKeeper() {}

  /**
   * Keeps {@code ch}'s epoll interest set non-empty; does nothing for other transports and for a channel that is
   * not connected yet (a socket that is not connected reports EPOLLHUP, which Netty does not handle: call again
   * once it is active). Call on the channel's event loop.
   *
   * @return whether the flag was set now (false: not an epoll channel, not connected yet, or already kept)
   */
  public static boolean keepInterest(Channel ch) {
    if (ch instanceof AbstractEpollChannel epoll && ch.isRegistered() && ch.isActive()
        && !epoll.isFlagSet(Native.EPOLLERR)) {
      try {
        epoll.setFlag(Native.EPOLLERR);
        return true;
      } catch (IOException e) {
        ch.pipeline().fireExceptionCaught(e); // epoll_ctl failed: the descriptor is unusable, the handler closes it
      }
    }
    return false;
  }

  /** Drops the kept flag once {@code ch}'s output is shut down (see the class comment). Event loop only. */
  public static void release(Channel ch) {
    if (ch instanceof AbstractEpollChannel epoll && ch.isRegistered() && epoll.isFlagSet(Native.EPOLLERR)) {
      try {
        epoll.clearFlag(Native.EPOLLERR);
      } catch (IOException e) {
        ch.pipeline().fireExceptionCaught(e);
      }
    }
  }

  /** Whether {@code ch} is an epoll channel with EPOLLERR in its interest set (for tests). */
  public static boolean isKept(Channel ch) {
    return ch instanceof AbstractEpollChannel epoll && epoll.isFlagSet(Native.EPOLLERR);
  }
}
