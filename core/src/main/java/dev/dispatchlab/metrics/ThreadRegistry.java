package dev.dispatchlab.metrics;

import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.CurrentThread;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which kernel thread is which: the (Java thread, kernel tid, {@link ThreadRole}, name) of every
 * thread the runtime starts, so that {@link ThreadSwitches} can add up context switches and CPU
 * time by role (DESIGN.md, "How things are measured").
 *
 * <h2>Ways in</h2>
 * <ul>
 *   <li>{@link #threadFactory(ThreadRole, String, CpuSet)}: platform threads that pin themselves
 *       (optionally), call {@code gettid()} and register from inside, before the task runs, and
 *       record their final counts as they end;</li>
 *   <li>{@link #registerCurrent(ThreadRole)}: the calling thread (the user thread, main);</li>
 *   <li>{@link #classifyByName(String, ThreadRole)} and {@link #classifyCarriers()}: threads the
 *       runtime does not start itself, matched by their kernel name ({@code comm}) when a snapshot
 *       is taken. Virtual threads run on the JDK's {@code ForkJoinPool-N-worker-M} carriers, which
 *       start lazily and whose {@code comm} is cut to {@code "ForkJoinPool-N-"}; they are host
 *       threads, since they run the stage code.</li>
 * </ul>
 *
 * <h2>Threads that end</h2>
 * A registration keeps the last counts read for its thread: every {@link ThreadSwitches#snapshot()}
 * refreshes them, and a factory thread reads its own counts as its last act ({@link #recordExit()}).
 * A thread that ended between two snapshots is therefore counted with its final figures, not lost.
 * A thread matched only by name keeps the counts of the last snapshot that saw it; one that ends
 * between two snapshots is reported as lost (see {@link SwitchDelta#lost()}), never dropped silently.
 *
 * <p>Threading: every method is safe from any thread.
 */
public final class ThreadRegistry {

    /** The JDK default scheduler's carrier threads, as {@code comm} shows them. */
    public static final String CARRIER_COMM_PREFIX = "ForkJoinPool-";

    /**
     * A registered thread.
     *
     * @param thread     the Java thread, or null for a thread matched by name only
     * @param tid        kernel thread id
     * @param startTicks kernel start time (with the tid, the thread's identity)
     * @param role       host, device or other
     * @param name       the Java name (not cut to 15 characters as {@code comm} is)
     */
    public record Registration(Thread thread, int tid, long startTicks, ThreadRole role, String name) {
    }

    private record NameRule(String commPrefix, ThreadRole role) {
    }

    private static final class Entry {
        final Registration registration;
        volatile ThreadSample last;
        volatile boolean exited;

        Entry(Registration registration, ThreadSample last) {
            this.registration = registration;
            this.last = last;
        }
    }

    /** Keyed by (tid, start time): a later thread that reuses an ended thread's tid gets its own entry. */
    private final Map<SwitchSnapshot.Key, Entry> byThread = new ConcurrentHashMap<>();
    private final List<NameRule> rules = new CopyOnWriteArrayList<>();

    /**
     * Registers a thread whose tid the caller knows. The thread must be alive.
     *
     * @throws IllegalStateException when no thread with that tid exists in this process
     */
    public Registration register(Thread thread, int tid, ThreadRole role, String name) {
        Objects.requireNonNull(role, "role");
        ThreadSample s = ProcTasks.read(tid);
        if (s == null) {
            throw new IllegalStateException("no thread " + tid + " in /proc/self/task to register as " + role + " '" + name + "'");
        }
        Registration r = new Registration(thread, tid, s.startTicks(), role, name);
        byThread.put(new SwitchSnapshot.Key(tid, s.startTicks()), new Entry(r, s));
        return r;
    }

    /** Registers the calling thread (gettid) under its Java name. */
    public Registration registerCurrent(ThreadRole role) {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            throw new IllegalStateException("a virtual thread has no kernel thread of its own; register carriers "
                    + "with classifyCarriers() instead: " + t);
        }
        return register(t, CurrentThread.tid(), role, t.getName());
    }

    /**
     * Records the calling thread's final counts and marks it ended. Called by factory threads as
     * they finish; a thread registered with {@link #registerCurrent} calls it before it ends.
     */
    public void recordExit() {
        ThreadSample s = ProcTasks.read(CurrentThread.tid());
        Entry e = s == null ? null : byThread.get(new SwitchSnapshot.Key(s.tid(), s.startTicks()));
        if (e == null) {
            return;
        }
        e.last = s;
        e.exited = true;
    }

    /** Threads whose {@code comm} starts with {@code commPrefix} and that nobody registered get {@code role}. */
    public void classifyByName(String commPrefix, ThreadRole role) {
        rules.add(new NameRule(Objects.requireNonNull(commPrefix), Objects.requireNonNull(role)));
    }

    /** Virtual-thread carriers (the JDK's ForkJoinPool workers) count as host threads. */
    public void classifyCarriers() {
        classifyByName(CARRIER_COMM_PREFIX, ThreadRole.HOST);
    }

    /**
     * A thread factory for the runtime's platform threads: each names itself {@code prefix-N}, pins
     * itself to {@code cpus} when that is not null, registers with {@code role}, runs the task and
     * records its final counts. Threads are daemons, so a stuck stage cannot keep the JVM alive.
     */
    public ThreadFactory threadFactory(ThreadRole role, String prefix, CpuSet cpus) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(prefix, "prefix");
        AtomicInteger n = new AtomicInteger();
        return task -> Thread.ofPlatform().daemon(true).name(prefix + "-" + n.getAndIncrement()).unstarted(() -> {
            if (cpus != null) {
                CurrentThread.pin(cpus);
            }
            registerCurrent(role);
            try {
                task.run();
            } finally {
                recordExit();
            }
        });
    }

    /** {@link #threadFactory(ThreadRole, String, CpuSet)} without pinning. */
    public ThreadFactory threadFactory(ThreadRole role, String prefix) {
        return threadFactory(role, prefix, null);
    }

    /** @return the registration for {@code tid} (the live thread's if the tid was reused), or null */
    public Registration registration(int tid) {
        Registration found = null;
        for (Entry e : byThread.values()) {
            if (e.registration.tid() == tid && (found == null || !e.exited)) {
                found = e.registration;
            }
        }
        return found;
    }

    /** @return every registration, ended threads included */
    public List<Registration> registrations() {
        List<Registration> out = new ArrayList<>();
        for (Entry e : byThread.values()) {
            out.add(e.registration);
        }
        return out;
    }

    /** Forgets threads that have ended (between measurements, so that the registry does not grow). */
    public void forgetExited() {
        byThread.values().removeIf(e -> e.exited);
    }

    // ---- for ThreadSwitches ----

    /** @return the role of a live thread: its registration if tid and start match, else the name rules, else OTHER */
    ThreadRole roleOf(ThreadSample s) {
        Entry e = byThread.get(new SwitchSnapshot.Key(s.tid(), s.startTicks()));
        if (e != null) {
            return e.registration.role();
        }
        for (NameRule r : rules) {
            if (s.comm().startsWith(r.commPrefix())) {
                return r.role();
            }
        }
        return ThreadRole.OTHER;
    }

    /** @return the Java name of a registered live thread, else its comm */
    String nameOf(ThreadSample s) {
        Entry e = byThread.get(new SwitchSnapshot.Key(s.tid(), s.startTicks()));
        if (e != null) {
            return e.registration.name();
        }
        return s.comm();
    }

    /** Keeps {@code s} as the last counts of its registered thread. */
    void remember(ThreadSample s) {
        Entry e = byThread.get(new SwitchSnapshot.Key(s.tid(), s.startTicks()));
        if (e != null && !e.exited) {
            e.last = s;
        }
    }

    /** @return registrations with their last counts, for threads no longer in /proc (ended) or marked ended */
    void forEachRemembered(RememberedSink sink) {
        for (Entry e : byThread.values()) {
            sink.accept(e.registration, e.last, e.exited);
        }
    }

    @FunctionalInterface
    interface RememberedSink {
        void accept(Registration registration, ThreadSample last, boolean exited);
    }
}
