package dev.dispatchlab.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A system call failed: carries the call's name and the errno the C library left, captured at the
 * call itself (never read later, when another call may have overwritten it).
 *
 * <p>Message form: {@code "recvmmsg(fd=7, vlen=64) failed: errno 9 EBADF (Bad file descriptor)"}.
 */
public final class SystemCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call  the call and, where useful, its arguments, e.g. {@code "bind(0.0.0.0:4500)"}
     * @param errno the errno captured at the call
     */
    public SystemCallException(String call, int errno) {
        super(call + " failed: errno " + errno + " " + errnoName(errno) + " (" + describe(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** @return the failed call as given, e.g. {@code "setsockopt(SO_REUSEPORT)"} */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** @return the symbolic name of common errno values on Linux, or {@code "E?"} */
    public static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 3 -> "ESRCH";
            case 4 -> "EINTR";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 22 -> "EINVAL";
            case 24 -> "EMFILE";
            case 90 -> "EMSGSIZE";
            case 92 -> "ENOPROTOOPT";
            case 93 -> "EPROTONOSUPPORT";
            case 97 -> "EAFNOSUPPORT";
            case 98 -> "EADDRINUSE";
            case 99 -> "EADDRNOTAVAIL";
            case 101 -> "ENETUNREACH";
            case 105 -> "ENOBUFS";
            case 107 -> "ENOTCONN";
            case 111 -> "ECONNREFUSED";
            default -> "E?";
        };
    }

    /** @return the C library's text for {@code errno} (strerror), or a placeholder off Linux */
    @SuppressWarnings("restricted") // reading strerror's NUL-terminated constant string
    static String describe(int errno) {
        if (!Libc.SUPPORTED) {
            return "no description on " + Libc.PLATFORM;
        }
        try {
            MemorySegment s = (MemorySegment) Strerror.STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "strerror unavailable: " + t;
        }
    }

    private static final class Strerror {
        // glibc's strerror returns a pointer into a constant table for known values: safe to call from any thread.
        static final MethodHandle STRERROR = Libc.plain("strerror",
                FunctionDescriptor.of(Libc.C_POINTER, Libc.C_INT));
    }
}
