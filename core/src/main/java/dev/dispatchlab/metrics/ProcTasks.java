package dev.dispatchlab.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads this process's threads from {@code /proc/self/task}. Three files per thread:
 *
 * <pre>
 * status     "Name:\tworker-1\n ... voluntary_ctxt_switches:\t80\nnonvoluntary_ctxt_switches:\t3\n"
 * stat       "4282 (comm may hold ') ' too) S 4281 ... f14 utime f15 stime ... f22 starttime ..."
 *             └1┘  └2, up to the LAST ')'─────┘ └3 state; fields counted from 1, space separated
 * schedstat  "188917713 212198225 163"   sum_exec_runtime ns, run-queue wait ns, times scheduled
 * </pre>
 *
 * A thread may exit between the files; {@link #read} then answers null. Allocates (interval
 * boundaries only). Threading: stateless, any thread.
 */
final class ProcTasks {

    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ: fixed at 100 on Linux for every architecture's user ABI. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    static final CpuClock CLOCK = Files.isReadable(Path.of("/proc/self/schedstat")) ? CpuClock.SCHEDSTAT : CpuClock.STAT_TICKS;

    private ProcTasks() {
    }

    /** @return the tids of the process's threads now */
    static List<Integer> tids() {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(TASKS)) {
            for (Path p : ds) {
                out.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + TASKS + " (Linux /proc needed for switch counts)", e);
        }
        return out;
    }

    /** @return the thread's counts, or null when it has exited */
    static ThreadSample read(int tid) {
        Path dir = TASKS.resolve(Integer.toString(tid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String status = Files.readString(dir.resolve("status"));
            String schedstat = CLOCK == CpuClock.SCHEDSTAT ? Files.readString(dir.resolve("schedstat")) : null;
            return parse(tid, stat, status, schedstat);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.exists(dir)) {
                return null;
            }
            throw new IllegalStateException("cannot read " + dir, e);
        }
    }

    static ThreadSample parse(int tid, String stat, String status, String schedstat) {
        int close = stat.lastIndexOf(')');
        int open = stat.indexOf('(');
        if (open < 0 || close < open) {
            throw new IllegalStateException("task " + tid + ": stat without '(comm)': " + stat);
        }
        String[] f = stat.substring(close + 2).strip().split(" ");
        if (f.length < 20) {
            throw new IllegalStateException("task " + tid + ": stat has " + (f.length + 2) + " fields, need 22: " + stat);
        }
        char state = f[0].charAt(0);
        long startTicks = Long.parseLong(f[22 - 3]);
        long cpu;
        long wait = -1;
        if (schedstat != null) {
            String[] s = schedstat.strip().split(" ");
            cpu = Long.parseLong(s[0]);
            if (s.length > 1) {
                wait = Long.parseLong(s[1]);
            }
        } else {
            cpu = (Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3])) * NANOS_PER_TICK;
        }
        String name = stat.substring(open + 1, close);
        long vol = -1;
        long invol = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("voluntary_ctxt_switches:")) {
                vol = Long.parseLong(line.substring(24).strip());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                invol = Long.parseLong(line.substring(27).strip());
            }
        }
        if (vol < 0 || invol < 0) {
            throw new IllegalStateException("task " + tid + ": status has no ctxt_switches lines");
        }
        return new ThreadSample(tid, startTicks, name, state, vol, invol, cpu, wait);
    }
}
