package dev.dispatchlab.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The C library as this package calls it: one linker, one symbol lookup, the errno capture layout,
 * and the constants of the Linux x86_64 ABI that the struct layouts in this package assume.
 *
 * <p>Every public entry point of the package calls {@link #requireSupported()} before touching a
 * handle, so that another platform fails with one clear message instead of a crash or a wrong
 * struct offset. Handles are built lazily in holder classes for the same reason.
 */
final class Libc {

    static final boolean SUPPORTED;
    static final String PLATFORM;

    static {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        PLATFORM = "os.name=" + os + ", os.arch=" + arch;
        SUPPORTED = os.toLowerCase(Locale.ROOT).startsWith("linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    // ---- socket constants (Linux, x86_64) ----
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_REUSEPORT = 15;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_RXQ_OVFL = 40;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_WAITFORONE = 0x10000;
    static final int SHUT_RD = 0;
    static final int SC_NPROCESSORS_CONF = 83;
    static final int SC_NPROCESSORS_ONLN = 84;

    // ---- errno values used in control flow ----
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOTCONN = 107;

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final java.lang.foreign.AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private Libc() {
    }

    /** Throws {@link UnsupportedOperationException} unless this is Linux on x86_64. */
    static void requireSupported() {
        if (!SUPPORTED) {
            throw new UnsupportedOperationException("dev.dispatchlab.os needs Linux on x86_64 (its struct layouts, "
                    + "socket options and /proc formats are that ABI's); this JVM runs on " + PLATFORM);
        }
    }

    /** A downcall whose first parameter is the errno capture segment. */
    @SuppressWarnings("restricted") // the package's purpose; the JVM runs with --enable-native-access
    static MethodHandle withErrno(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd, CAPTURE_ERRNO);
    }

    @SuppressWarnings("restricted")
    static MethodHandle plain(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(symbol(name), fd, options);
    }

    static MemorySegment symbol(String name) {
        return LOOKUP.find(name).orElseThrow(() -> new UnsupportedOperationException(
                "the C library of this system has no symbol '" + name + "' (" + PLATFORM + ")"));
    }

    /** @return a capture segment for {@link #withErrno} handles, owned by {@code arena} */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** @return an exception naming the call and the errno captured in {@code callState} */
    static SystemCallException failure(String call, MemorySegment callState) {
        return new SystemCallException(call, errno(callState));
    }
}
