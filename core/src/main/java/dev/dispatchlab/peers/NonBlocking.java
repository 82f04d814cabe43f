package dev.dispatchlab.peers;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Sets {@code O_NONBLOCK} on a socket descriptor, which an epoll event loop needs: the run's sockets
 * are opened blocking (the models' receive threads sleep in {@code recvmmsg}), and an edge-triggered
 * loop reads until a read would block.
 *
 * <p>Threading: stateless; any thread.
 */
final class NonBlocking {

    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    private static final MethodHandle FCNTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("fcntl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));

    private NonBlocking() {
    }

    /** @throws IllegalStateException if {@code fcntl} fails */
    static void set(int fd) {
        try {
            int flags = (int) FCNTL.invokeExact(fd, F_GETFL, 0);
            if (flags < 0 || (int) FCNTL.invokeExact(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
                throw new IllegalStateException("fcntl(O_NONBLOCK) failed on descriptor " + fd);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fcntl(O_NONBLOCK) on descriptor " + fd + ": " + t, t);
        }
    }
}
