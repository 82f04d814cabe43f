package dev.dispatchlab.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/** The machine's CPUs as the operating system counts them. Threading: any thread. */
public final class Cpus {

    private Cpus() {
    }

    /** @return the number of CPUs online now ({@code sysconf(_SC_NPROCESSORS_ONLN)}) */
    public static int online() {
        return sysconf(Libc.SC_NPROCESSORS_ONLN, "_SC_NPROCESSORS_ONLN");
    }

    /** @return the number of CPUs configured, online or not ({@code sysconf(_SC_NPROCESSORS_CONF)}) */
    public static int configured() {
        return sysconf(Libc.SC_NPROCESSORS_CONF, "_SC_NPROCESSORS_CONF");
    }

    private static int sysconf(int name, String label) {
        Libc.requireSupported();
        long v;
        try {
            v = (long) Handles.SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw CurrentThread.rethrow(t);
        }
        if (v <= 0) {
            throw new IllegalStateException("sysconf(" + label + ") returned " + v);
        }
        return (int) v;
    }

    private static final class Handles {
        static final MethodHandle SYSCONF = Libc.plain("sysconf", FunctionDescriptor.of(Libc.C_LONG, Libc.C_INT));
    }
}
