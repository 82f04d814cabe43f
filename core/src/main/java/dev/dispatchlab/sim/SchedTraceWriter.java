package dev.dispatchlab.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes the simulated scheduler's events within a window of simulated time as the kernel's tracefs
 * writes {@code sched:sched_switch} and {@code sched:sched_wakeup} (the text of
 * {@code /sys/kernel/tracing/trace}), so that the same reader takes a simulated run and a real one:
 * <pre>
 *   #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
 *         puller/0-2       [000] d..2.     1.000123456: sched_switch: prev_comm=puller/0 prev_pid=2 prev_prio=120 prev_state=R ==> next_comm=user next_pid=1 next_prio=120
 *           device-0       [001] d..3.     1.000124000: sched_wakeup: comm=puller/0 pid=2 prio=120 target_cpu=000
 * </pre>
 * The host CPU is CPU 0; a device's wakeup is written from CPU 1 by a task named {@code device}, one
 * from the idle host CPU (a hard interrupt taken there) by {@code <idle>}, as the kernel writes it.
 * Where the wire and the card's engine are threads of the device CPU (at the maximum rate), that CPU
 * is CPU 1: its switches, and the host's doorbells waking the engine there ({@code target_cpu=001}).
 * Names are cut to the kernel's 15 characters ({@code offload-engine-0} prints as
 * {@code offload-engine-}). The timestamp is simulated seconds with nanoseconds (the kernel's has
 * microseconds); a thread's pid is its place among the machine's threads, from 1 ({@code swapper/0},
 * pid 0, is the idle loop; device threads from 1001); its prio is 120 less its priority band, so a
 * band above the user's prints lower, as the kernel's real-time priorities do.
 *
 * <p>Threading: confined to the simulation's thread; the caller closes the writer.
 */
public final class SchedTraceWriter implements SchedEvents {

    private final Writer out;
    private final long fromPs;
    private final long toPs;
    private final StringBuilder line = new StringBuilder(200);
    private long events;

    /** Writes the events at {@code fromPs} and after, before {@code toPs}. */
    public SchedTraceWriter(Writer out, long fromPs, long toPs) {
        this.out = out;
        this.fromPs = fromPs;
        this.toPs = toPs;
        try {
            out.write("# tracer: nop\n# simulated by dispatchlab: sched_switch and sched_wakeup of the host CPU (0)"
                    + " and, where the wire and the card's engine are threads, the device CPU (1)\n"
                    + "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the events written */
    public long events() {
        return events;
    }

    @Override
    public void wakeup(long ps, boolean fromDevice, SimThread waker, SimThread wakee) {
        if (ps < fromPs || ps >= toPs) {
            return;
        }
        String task = fromDevice ? "device" : waker == null ? "<idle>" : comm(waker, 0);
        head(task, pid(waker), fromDevice ? 1 : 0, "d..3.", ps);
        line.append("sched_wakeup: comm=").append(comm(wakee, 0)).append(" pid=").append(wakee.pid)
                .append(" prio=").append(prio(wakee)).append(" target_cpu=00").append(wakee.cpu.number()).append('\n');
        emit();
    }

    @Override
    public void switched(long ps, int cpu, SimThread prev, boolean prevSlept, SimThread next) {
        if (ps < fromPs || ps >= toPs) {
            return;
        }
        head(comm(prev, cpu), pid(prev), cpu, "d..2.", ps);
        line.append("sched_switch: prev_comm=").append(comm(prev, cpu)).append(" prev_pid=").append(pid(prev))
                .append(" prev_prio=").append(prio(prev)).append(" prev_state=").append(prevSlept ? 'S' : 'R')
                .append(" ==> next_comm=").append(comm(next, cpu)).append(" next_pid=").append(pid(next))
                .append(" next_prio=").append(prio(next)).append('\n');
        emit();
    }

    private void head(String comm, int pid, int cpu, String flags, long ps) {
        line.setLength(0);
        String task = comm + "-" + pid;
        line.repeat(' ', Math.max(0, 24 - task.length())).append(task).append(" [00").append(cpu).append("] ")
                .append(flags).append(' ');
        long ns = ps / Simulation.PS_PER_NS;
        String frac = Long.toString(ns % 1_000_000_000L);
        line.append(ns / 1_000_000_000L).append('.').repeat('0', 9 - frac.length()).append(frac).append(": ");
    }

    /** Writes the line built. */
    private void emit() {
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        events++;
    }

    /** @return the thread's name as the kernel keeps it (15 characters), or the idle loop's */
    private static String comm(SimThread t, int cpu) {
        return t == null ? "swapper/" + cpu : t.name.length() > COMM_CHARS ? t.name.substring(0, COMM_CHARS) : t.name;
    }

    /** The kernel's task name holds this many characters ({@code TASK_COMM_LEN} less its terminator). */
    private static final int COMM_CHARS = 15;

    private static int pid(SimThread t) {
        return t == null ? 0 : t.pid;
    }

    private static int prio(SimThread t) {
        return t == null ? 120 : 120 - t.priority;
    }
}
