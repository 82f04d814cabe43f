package dev.dispatchlab.sim;

/**
 * A thread of the simulated machine: a kernel thread (interrupt thread, softint thread, puller,
 * continuation context, carrier) or the user process. The CPU asks it for one step at a time
 * ({@link #step}); a step is work of a known cost whose effects land when it ends. Between steps the
 * CPU takes pending interrupts and may preempt the thread.
 *
 * <p>Threading: confined to the simulation's thread.
 */
public abstract class SimThread {

    /** Scheduler states; one line each. */
    public enum State {
        /** Waiting for a wakeup; not on a run queue. */
        SLEEPING,
        /** On its CPU's run queue. */
        RUNNABLE,
        /** The CPU's current thread. */
        RUNNING
    }

    /** What a step call did. */
    public enum Outcome {
        /** Started a step ({@link SimCpu#work}). */
        WORKED,
        /** Has nothing to do: sleeps (a voluntary switch). */
        SLEEP,
        /** Has nothing to do but spins (busy polling): stays on the CPU, burning it, until kicked. */
        SPIN
    }

    final String name;
    final int priority;
    final boolean host;
    State state = State.SLEEPING;
    SimCpu cpu;
    /** Its place among its machine's threads, from 1: the pid a {@link SchedTraceWriter} shows. */
    int pid;
    long voluntary;
    long involuntary;
    long wakeups;
    long cpuPs;
    /** Time spent runnable on a run queue (as the kernel's schedstat run_delay counts it), up to {@link #queuedAt}. */
    long waitPs;
    /** When it last went on a run queue (woken or preempted), while {@link State#RUNNABLE} there. */
    long queuedAt = -1;
    // Fair-share state (see SimCpu's note), in picoseconds of this thread's own CPU time.
    /** Virtual runtime: CPU time run, shifted when the thread is placed on wakeup. */
    long vruntime;
    /** Virtual deadline: the end of its current slice, in virtual runtime. */
    long deadline;
    /** Run to parity: a wakeup does not preempt it before its virtual runtime reaches this. */
    long vprot;
    /** Lag kept over a sleep: how far behind its fair share it was when it went to sleep. */
    long vlag;
    /** Asleep but still counted in its CPU's band (a delayed sleep: see SimCpu). */
    boolean delayed;

    /**
     * @param priority higher runs first and preempts lower at the next step boundary
     * @param host     counted with the host's threads (the OS switch counts)
     */
    protected SimThread(String name, int priority, boolean host) {
        this.name = name;
        this.priority = priority;
        this.host = host;
    }

    /**
     * @return true while it spins looking for work on its way to sleep: work sent to it is seen at once,
     *         without a wakeup (its CPU is only kicked)
     */
    protected boolean polling() {
        return false;
    }

    /** Takes the next step on {@code cpu}: calls {@link SimCpu#work} and returns WORKED, or SLEEP or SPIN. */
    protected abstract Outcome step(SimCpu cpu);

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    public long voluntary() {
        return voluntary;
    }

    public long involuntary() {
        return involuntary;
    }

    public long wakeups() {
        return wakeups;
    }

    public long cpuPs() {
        return cpuPs;
    }

    /** @return its time runnable on a run queue up to {@code now}, including a wait still going on */
    public long waitPs(long now) {
        return waitPs + (queuedAt >= 0 ? now - queuedAt : 0);
    }

    /** It goes on a run queue at {@code now}. */
    void queued(long now) {
        queuedAt = now;
    }

    /** It leaves its run queue for its CPU at {@code now}: the wait ends. */
    void picked(long now) {
        if (queuedAt >= 0) {
            waitPs += now - queuedAt;
            queuedAt = -1;
        }
    }

    public boolean host() {
        return host;
    }

    public SimCpu cpu() {
        return cpu;
    }

    @Override
    public String toString() {
        return name + "(" + state + ")";
    }
}
