package dev.dispatchlab.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The operating system's view of the calling thread: its kernel thread id and its CPU affinity.
 *
 * <p>Threading: every method acts on the thread that calls it. On a virtual thread they act on
 * its current carrier, which the scheduler may change at the next park: pin or identify carriers,
 * not virtual threads.
 */
public final class CurrentThread {

    private CurrentThread() {
    }

    /**
     * @return the kernel thread id ({@code gettid(2)}) of the calling thread, the number under
     *         {@code /proc/self/task/}; not {@link Thread#threadId()}, which is the JVM's own
     */
    public static int tid() {
        Libc.requireSupported();
        try {
            return (int) Handles.GETTID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return the CPUs the calling thread may run on ({@code sched_getaffinity(0, ...)}) */
    public static CpuSet affinity() {
        Libc.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            MemorySegment mask = arena.allocate(CpuSet.BYTES, 8);
            int rc = (int) Handles.GETAFFINITY.invokeExact(state, 0, (long) CpuSet.BYTES, mask);
            if (rc != 0) {
                throw Libc.failure("sched_getaffinity(0)", state);
            }
            return CpuSet.read(mask);
        } catch (SystemCallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Restricts the calling thread to {@code cpus} ({@code sched_setaffinity(0, ...)}); the kernel
     * migrates it at once if it is running elsewhere.
     *
     * @throws SystemCallException with EINVAL when no CPU of the set is online and allowed
     */
    public static void pin(CpuSet cpus) {
        Libc.requireSupported();
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("cannot pin a thread to an empty cpu set");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            MemorySegment mask = arena.allocate(CpuSet.BYTES, 8);
            cpus.write(mask);
            int rc = (int) Handles.SETAFFINITY.invokeExact(state, 0, (long) CpuSet.BYTES, mask);
            if (rc != 0) {
                throw Libc.failure("sched_setaffinity(0, cpus=" + cpus + ")", state);
            }
        } catch (SystemCallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Linux scheduling policies this project uses (sched.h). */
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;

    /**
     * Sets the calling thread's scheduling policy and real-time priority ({@code sched_setscheduler(0,
     * policy, {priority})}). The runtime gives the host's kernel-side contexts (interrupt threads,
     * softint threads, pullers, continuation contexts, carriers) {@link #SCHED_FIFO} above the user
     * thread, as a kernel runs interrupts and soft interrupts above user threads: a wakeup of the
     * user then waits for the end of the handler's batch instead of preempting it.
     *
     * @param priority 1..99 for SCHED_FIFO, 0 for SCHED_OTHER
     * @throws SystemCallException EPERM without the privilege (CAP_SYS_NICE or an RLIMIT_RTPRIO)
     */
    public static void schedule(int policy, int priority) {
        Libc.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            MemorySegment param = arena.allocate(Libc.C_INT);
            param.set(Libc.C_INT, 0, priority);
            int rc = (int) Handles.SETSCHEDULER.invokeExact(state, 0, policy, param);
            if (rc != 0) {
                throw Libc.failure("sched_setscheduler(0, policy=" + policy + ", priority=" + priority + ")", state);
            }
        } catch (SystemCallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return the calling thread's scheduling policy (sched_getscheduler(0)) */
    public static int policy() {
        Libc.requireSupported();
        try {
            return (int) Handles.GETSCHEDULER.invokeExact(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    private static final class Handles {
        // gettid cannot fail or block: a critical call skips the thread-state transition.
        static final MethodHandle GETTID = Libc.plain("gettid", FunctionDescriptor.of(Libc.C_INT),
                Linker.Option.critical(false));
        static final MethodHandle GETAFFINITY = Libc.withErrno("sched_getaffinity",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_LONG, Libc.C_POINTER));
        static final MethodHandle SETAFFINITY = Libc.withErrno("sched_setaffinity",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_LONG, Libc.C_POINTER));
        static final MethodHandle SETSCHEDULER = Libc.withErrno("sched_setscheduler",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_POINTER));
        static final MethodHandle GETSCHEDULER = Libc.plain("sched_getscheduler",
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT));
    }
}
