/**
 * What each dispatch design costs, counted the same way for every model (DESIGN.md, "How things
 * are measured").
 *
 * <h2>Vocabulary</h2>
 * {@link dev.dispatchlab.metrics.Counter} names the events (offered, delivered, handoffs, wakeups,
 * interrupts, softint schedules and runs, continuation deferrals, empty polls, ...) and
 * {@link dev.dispatchlab.metrics.DropReason} names every way a packet can be dropped, each with a
 * stable label. Every execution context owns a single-writer
 * {@link dev.dispatchlab.metrics.CounterBlock}; totals are summed after the run.
 *
 * <h2>Accounting</h2>
 * {@link dev.dispatchlab.metrics.Accounting} checks, at the end of every run, that offered packets
 * equal delivered + IKE + absorbed fragments + drops, with nothing in flight. A run that fails it is
 * an error, never a result.
 *
 * <h2>Time and latency</h2>
 * {@link dev.dispatchlab.metrics.Clock} is injected everywhere time is read, so tests and the
 * simulator drive time themselves. {@link dev.dispatchlab.metrics.LatencyRecorder} records
 * arrival-to-user latency in an HdrHistogram and says how coordinated omission is handled.
 *
 * <h2>The operating system's own counts</h2>
 * Context switches (voluntary and involuntary) and CPU time per thread come from
 * {@code /proc/self/task/*}, read at the start and end of the measured interval and grouped by
 * {@link dev.dispatchlab.metrics.ThreadRole}: host threads are the result, device threads are
 * reported apart, other (JVM) threads are shown for completeness. The runtime's handoff and wakeup
 * counters say what it asked for; only the kernel's {@code nvcsw}/{@code nivcsw} say what happened
 * (waking a thread that was still spinning is no switch; a preemption is one nobody asked for).
 * <pre>
 *   ThreadRegistry.threadFactory(role, prefix, cpus) ─► thread: pin, gettid, register ─► run ─► read own counts, mark ended
 *   ThreadRegistry.registerCurrent(role) ─────────────► the calling thread
 *   ThreadRegistry.classifyCarriers() ────────────────► comm "ForkJoinPool-N-" at snapshot time ─► HOST
 *   ThreadSwitches.snapshot(): status + stat + schedstat of every task, plus ended registered threads' last counts
 *   SwitchDelta.between(a, b): per (tid, start time): LIVE, STARTED, EXITED (final counts), LOST; totals by role
 * </pre>
 * CPU time is {@code schedstat}'s nanoseconds ({@link dev.dispatchlab.metrics.CpuClock} says why
 * not {@code stat}'s 10 ms ticks or {@code ThreadMXBean}). A snapshot costs three small
 * {@code /proc} reads per thread (about 10 µs each) and some allocation: interval boundaries only.
 * {@code schedstat}'s second field, the time a thread spent runnable on a run queue waiting for its
 * CPU ({@code run_delay}), is kept beside it ({@code ThreadSample.waitNanos}): how long a wakeup or a
 * preemption kept a thread waiting decides how much work it finds when it runs, and the simulator
 * counts the same time for its threads, so {@code validate --threads} sets the two side by side.
 *
 * <h2>Scheduler traces</h2>
 * Counts say how many switches a design costs, not which wakeup preempted which thread, and that is
 * what a scheduler model must get right to predict them. {@link dev.dispatchlab.metrics.SchedTraceSummary}
 * reads the text of a {@code sched_switch}/{@code sched_wakeup} trace, the kernel's (through
 * {@code os.Tracefs}, {@code run --sched-trace}) or the simulator's ({@code sim.SchedTraceWriter}, the
 * same text), and gives per thread: switches in, sleeps, preemptions and the share by the thread it had
 * just woken, wakeups, run length, wakeup to running, and time asleep ({@code sched-trace}).
 *
 * <p>Not implemented: per-CPU kernel work ({@code /proc/softirqs}); an unregistered thread that ends
 * between snapshots is reported as lost, not counted; carriers of a custom virtual-thread scheduler
 * need their own name rule.
 */
package dev.dispatchlab.metrics;
