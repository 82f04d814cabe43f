package dev.dispatchlab.sim.study;

import dev.dispatchlab.crypto.CryptoCounter;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.device.ArrivalProcess;
import dev.dispatchlab.run.CpuDistance;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.SimResult;
import dev.dispatchlab.sim.SimRunner;
import dev.dispatchlab.sim.SimCpu;
import dev.dispatchlab.sim.SimSpec;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.workload.SizeMix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Checks the simulator against the runtime: each measured run is simulated with this machine's
 * calibrated profile under the run's own settings (model, crypto driver, offered rate as measured,
 * sizes, ring, coalescing, budget, queues, the card's settings, the kernel priority it ran with;
 * devices on their own CPU as the runtime places them), and the predicted delivered rate and host
 * switches per packet are compared with the measured ones.
 *
 * <h2>Rules</h2>
 * A delivered-rate cell passes when the prediction is within {@value #DELIVERED_TOLERANCE} of the
 * measurement (relative); a switches cell within {@value #SWITCHES_TOLERANCE}, or within
 * {@value #SWITCHES_FLOOR} switches per packet in absolute terms (so that 0.001 against 0.002 is not
 * a failure of 100 %). Nothing is fitted per cell: the profile comes from {@code calibrate} alone.
 *
 * <h2>The measurement against itself</h2>
 * A run measured again at the same offered rate, minutes later in the same session, is held to the
 * same rules as a prediction ({@link #agreement}): its cell's {@link Repeat} says whether the
 * measurement reproduces itself within the tolerances. Where it does not, no prediction can be
 * judged more finely than the machine's own spread, and the table says so beside the verdict.
 *
 * <p>Stateless; thread-safe.
 */
public final class Validation {

    public static final double DELIVERED_TOLERANCE = 0.15;
    public static final double SWITCHES_TOLERANCE = 0.20;
    public static final double SWITCHES_FLOOR = 0.02;

    /**
     * One measured run against its prediction.
     *
     * @param threads the host threads of either side, measured against predicted, per delivered packet
     *                (not judged: where a row misses, they show which thread's sleeps, preemptions or CPU
     *                make the difference)
     * @param card    the crypto card's events per request, measured against predicted, or null without a card
     * @param cpuRoundTripBefore the measured run's device and host CPUs' distance just before it: a cache
     *                line's round trip between them, ns (NaN if not measured); on a virtual machine it moves
     *                between levels, and each frame pays it
     * @param cpuRoundTripAfter  the same just after the run
     * @param span     how the prediction moves over the profile's estimates, or null when not asked for
     */
    public record Cell(String model, String load, double offeredPps, double measuredDelivered,
                       double predictedDelivered, double deliveredError, boolean deliveredPass,
                       double measuredSwitches, double predictedSwitches, double switchesError, boolean switchesPass,
                       double measuredCpuNanos, double predictedCpuNanos, Repeat repeat, List<ThreadRow> threads,
                       CardRow card, double cpuRoundTripBefore, double cpuRoundTripAfter, Span span) {
        public boolean pass() {
            return deliveredPass && switchesPass;
        }

        /** @return this row with {@code s} as its span over the profile's estimates */
        public Cell withSpan(Span s) {
            return new Cell(model, load, offeredPps, measuredDelivered, predictedDelivered, deliveredError,
                    deliveredPass, measuredSwitches, predictedSwitches, switchesError, switchesPass, measuredCpuNanos,
                    predictedCpuNanos, repeat, threads, card, cpuRoundTripBefore, cpuRoundTripAfter, s);
        }

        /** @return true when the run was measured again and the two measurements agree within the tolerances */
        public boolean repeatable() {
            return repeat != null && repeat.pass();
        }

        /**
         * @return true when the device and host CPUs were at another distance after the run than before
         *         it (a virtual machine's CPUs moved during it): the in-place check timed just before the
         *         run then describes another machine than the run met for part of it
         */
        public boolean cpusMoved() {
            return !Double.isNaN(cpuRoundTripBefore) && !Double.isNaN(cpuRoundTripAfter)
                    && !CpuDistance.sameLevel(cpuRoundTripBefore, cpuRoundTripAfter);
        }
    }

    /**
     * A thread's figures per delivered packet over the measured interval, measured and predicted (its
     * role {@code host}, or {@code device} for the device CPU's wire and engine where the simulation runs
     * them as threads): CPU (ns), voluntary switches (it slept), involuntary ones (it was preempted) and
     * time runnable on its CPU's run queue, waiting for it (ns: how long its wakeups and preemptions kept
     * it waiting, which decides how much work each of its runs finds). The runtime's carrier (the JDK's pool thread)
     * is set beside the simulator's {@code carrier/0} ({@link #simulatedName}); a thread only one side
     * has, or a wait a measured run did not keep, has NaN on that side.
     */
    public record ThreadRow(String name, String role, double measuredCpuNanos, double predictedCpuNanos,
                            double measuredVoluntary, double predictedVoluntary, double measuredInvoluntary,
                            double predictedInvoluntary, double measuredWaitNanos, double predictedWaitNanos) {
    }

    /**
     * The crypto card's events per request it took, measured (the driver's counts over the whole run) and
     * predicted (over the measured interval): how often a submission found the engine parked and woke it
     * (on this machine a wakeup sent to the device CPU, which costs the sender as much as
     * {@code cross_cpu_waker}), and how many completion interrupts it raised after coalescing. Not judged:
     * where a row misses, they show whether the card's rhythm is the run's. NaN on a side without the figure.
     */
    public record CardRow(double measuredWakeups, double predictedWakeups, double measuredInterrupts,
                          double predictedInterrupts) {
    }

    /**
     * How a row's prediction moves over the calibrated profile's estimates: the row simulated again with
     * each estimated cost (one with a range: the split of the same-CPU handoff into switch, refill, wakeup
     * and sleep, and the like) at either end of its range, one cost at a time, the others as calibrated.
     * Not judged: a row that passes only at some end of some range still fails; what the span says is
     * whether the miss lies within what the profile does not know (a cost it estimates) or outside it.
     *
     * @param variants       how many such simulations
     * @param switchesLowBy  the range end that gave {@code switchesLow} (e.g. {@code "switch_refill high"})
     * @param passingBy      the range ends at which the row passes (delivered and switches within the tolerances)
     */
    public record Span(int variants, double deliveredLow, double deliveredHigh, double switchesLow,
                       String switchesLowBy, double switchesHigh, String switchesHighBy, List<String> passingBy) {
        /** @return true when the measured switches per packet lie within the predicted span */
        public boolean switchesInside(double measured) {
            return measured >= switchesLow && measured <= switchesHigh;
        }
    }

    /**
     * The same run measured again: its figures, and their errors against the first measurement under
     * the rules a prediction is judged by.
     */
    public record Repeat(double delivered, double deliveredError, boolean deliveredPass, double switches,
                         double switchesError, boolean switchesPass) {
        public boolean pass() {
            return deliveredPass && switchesPass;
        }
    }

    private Validation() {
    }

    /**
     * @param measured runs of the runtime (compare documents), each with the settings it ran with
     * @param loadOf   the load label of each run (low, near saturation, overload), same order
     * @param profile  this machine's calibrated profile
     * @param simSeconds simulated interval per prediction (0: the measured run's)
     */
    public static List<Cell> validate(List<RunResult> measured, List<String> loadOf, Profile profile,
                                      double simSeconds) {
        return validate(measured, loadOf, null, profile, simSeconds);
    }

    /**
     * @param again    each run measured again at the same rate (null entries, or a null list: not repeated)
     * @see #validate(List, List, Profile, double)
     */
    public static List<Cell> validate(List<RunResult> measured, List<String> loadOf, List<RunResult> again,
                                      Profile profile, double simSeconds) {
        return validate(measured, loadOf, again, r -> profile, simSeconds);
    }

    /**
     * @param profileOf the calibrated profile to predict each run with (one for all, or one per run)
     * @see #validate(List, List, List, Profile, double)
     */
    public static List<Cell> validate(List<RunResult> measured, List<String> loadOf, List<RunResult> again,
                                      Function<RunResult, Profile> profileOf, double simSeconds) {
        return validate(measured, loadOf, again, profileOf, simSeconds, Simulator.UNTRACED);
    }

    /** Runs the simulation of one row: {@link SimRunner#run}, or that with its scheduler traced. */
    @FunctionalInterface
    public interface Simulator {
        /** {@link SimRunner#run}, nothing traced. */
        Simulator UNTRACED = (model, load, spec) -> SimRunner.run(spec);

        SimResult run(String model, String load, SimSpec spec) throws IOException;
    }

    /**
     * @param simulator how each row's simulation is run (see {@link Simulator})
     * @see #validate(List, List, List, Function, double)
     */
    public static List<Cell> validate(List<RunResult> measured, List<String> loadOf, List<RunResult> again,
                                      Function<RunResult, Profile> profileOf, double simSeconds, Simulator simulator) {
        try {
            return validate(measured, loadOf, again, profileOf, simSeconds, simulator, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * @param rangeThreads above 0: also simulate every row at each end of each estimated cost's range
     *                     ({@link Span}), on a pool of so many threads; 0: not
     * @see #validate(List, List, List, Function, double, Simulator)
     */
    public static List<Cell> validate(List<RunResult> measured, List<String> loadOf, List<RunResult> again,
                                      Function<RunResult, Profile> profileOf, double simSeconds, Simulator simulator,
                                      int rangeThreads) throws InterruptedException {
        ExecutorService pool = rangeThreads > 0 ? Executors.newFixedThreadPool(rangeThreads) : null;
        try {
            Map<Integer, List<Future<SimResult>>> pending = new HashMap<>();
            Map<Integer, List<String>> ends = new HashMap<>();
            List<Cell> out = new ArrayList<>();
            for (int i = 0; i < measured.size(); i++) {
                RunResult r = measured.get(i);
                SimModels m = SimModels.byLabel(r.model());
                if (m == null) {
                    continue; // not a runtime model label (e.g. a simulated one relabelled)
                }
                Profile profile = profileOf.apply(r);
                SimSpec s = specOf(r, m, profile, simSeconds);
                SimResult p;
                try {
                    p = simulator.run(r.model(), loadOf.get(i), s);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                double dErr = rel(p.deliveredPps(), r.deliveredPps());
                double ms = r.perPacket().hostSwitches();
                double sErr = rel(p.hostSwitches(), ms);
                out.add(new Cell(r.model(), loadOf.get(i), r.offeredPps(), r.deliveredPps(), p.deliveredPps(), dErr,
                        deliveredWithin(dErr), ms, p.hostSwitches(), sErr, switchesWithin(sErr, p.hostSwitches(), ms),
                        r.perPacket().hostCpuNanos(), p.hostCpuNanos(),
                        again == null || again.get(i) == null ? null : agreement(again.get(i), r), threads(r, p),
                        card(r, p), wireFigure(r, "cpuRoundTripNanosBefore"), wireFigure(r, "cpuRoundTripNanosAfter"), null));
                if (pool != null) {
                    List<Future<SimResult>> fs = new ArrayList<>();
                    List<String> labels = new ArrayList<>();
                    for (Profile.RangeEnd e : profile.rangeEnds()) {
                        SimSpec v = specOf(r, m, e.profile(), simSeconds);
                        fs.add(pool.submit(() -> SimRunner.run(v)));
                        labels.add(e.label());
                    }
                    pending.put(out.size() - 1, fs);
                    ends.put(out.size() - 1, labels);
                }
            }
            for (Map.Entry<Integer, List<Future<SimResult>>> e : pending.entrySet()) {
                Cell c = out.get(e.getKey());
                out.set(e.getKey(), c.withSpan(span(c, Answer.get(e.getValue()), ends.get(e.getKey()))));
            }
            return out;
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** @return {@code c}'s span over the predictions {@code ps} made at the range ends {@code labels} */
    static Span span(Cell c, List<SimResult> ps, List<String> labels) {
        double dl = Double.POSITIVE_INFINITY;
        double dh = Double.NEGATIVE_INFINITY;
        double sl = Double.POSITIVE_INFINITY;
        double sh = Double.NEGATIVE_INFINITY;
        String slBy = "";
        String shBy = "";
        List<String> passing = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            SimResult p = ps.get(i);
            dl = Math.min(dl, p.deliveredPps());
            dh = Math.max(dh, p.deliveredPps());
            double sw = p.hostSwitches();
            if (sw < sl) {
                sl = sw;
                slBy = labels.get(i);
            }
            if (sw > sh) {
                sh = sw;
                shBy = labels.get(i);
            }
            double sErr = rel(sw, c.measuredSwitches());
            if (deliveredWithin(rel(p.deliveredPps(), c.measuredDelivered()))
                    && switchesWithin(sErr, sw, c.measuredSwitches())) {
                passing.add(labels.get(i));
            }
        }
        return ps.isEmpty() ? new Span(0, Double.NaN, Double.NaN, Double.NaN, "", Double.NaN, "", List.of())
                : new Span(ps.size(), dl, dh, sl, slBy, sh, shBy, passing);
    }

    /** @return a number the run's wire report holds under {@code key}, or NaN */
    public static double wireFigure(RunResult r, String key) {
        return r.wire() == null ? Double.NaN : figure(r.wire(), key);
    }

    /** @return the number {@code m} holds under {@code key}, or NaN */
    public static double figure(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * @return the simulated thread that stands for the runtime's thread {@code measured}: the same name,
     *         but for the virtual threads' carriers, which the JDK names {@code ForkJoinPool-N-worker-M}
     *         (the kernel keeps 15 characters: {@code ForkJoinPool-1-}) and the simulator {@code carrier/0}
     */
    public static String simulatedName(String measured) {
        return measured.startsWith("ForkJoinPool-") ? "carrier/0" : measured;
    }

    /**
     * @return the host threads of {@code measured} (in its order, those that ran) and then those only
     *         {@code predicted} has, then the device CPU's the same way where {@code predicted} runs its
     *         wire and engine as threads, each side per its own delivered packet over its measured interval
     */
    public static List<ThreadRow> threads(RunResult measured, SimResult predicted) {
        double mPackets = RunResult.PerPacket.divisor(measured.deliveredPps() * measured.seconds());
        double pPackets = RunResult.PerPacket.divisor(predicted.deliveredPps() * predicted.spec().measureNs() / 1e9);
        List<ThreadRow> rows = new ArrayList<>();
        rows(rows, "host", measured, predicted.threads(), mPackets, pPackets);
        rows(rows, "device", measured, predicted.deviceThreads(), mPackets, pPackets);
        return rows;
    }

    /**
     * Adds the threads of {@code role}: those of {@code measured} (in its order, those that ran; a device
     * thread only where the prediction has device threads), then those only {@code sim} has.
     */
    private static void rows(List<ThreadRow> rows, String role, RunResult measured, Map<String, long[]> sim,
                             double mPackets, double pPackets) {
        Set<String> seen = new HashSet<>();
        boolean device = "device".equals(role);
        if (measured.threads() != null && !(device && sim.isEmpty())) {
            for (RunResult.ThreadCounts t : measured.threads()) {
                if (!role.equals(t.role()) || t.cpuNanos() == 0 && t.voluntary() == 0 && t.involuntary() == 0) {
                    continue;
                }
                String simName = simulatedName(t.name());
                long[] s = sim.get(simName);
                if (device && s == null) {
                    continue; // the runtime's watchdog: a device thread the simulation has no part for
                }
                seen.add(simName);
                rows.add(new ThreadRow(t.name(), role, t.cpuNanos() / mPackets,
                        s == null ? Double.NaN : s[2] / pPackets, t.voluntary() / mPackets,
                        s == null ? Double.NaN : s[0] / pPackets, t.involuntary() / mPackets,
                        s == null ? Double.NaN : s[1] / pPackets,
                        t.waitNanos() == null ? Double.NaN : t.waitNanos() / mPackets,
                        s == null ? Double.NaN : s[3] / pPackets));
            }
        }
        for (Map.Entry<String, long[]> e : sim.entrySet()) {
            if (!seen.contains(e.getKey())) {
                long[] s = e.getValue();
                rows.add(new ThreadRow(e.getKey(), role, Double.NaN, s[2] / pPackets, Double.NaN, s[0] / pPackets,
                        Double.NaN, s[1] / pPackets, Double.NaN, s[3] / pPackets));
            }
        }
    }

    /**
     * @return the card's events per request of {@code measured} (its {@code cryptoStats}) and {@code
     *         predicted}, or null when neither side has a card
     */
    public static CardRow card(RunResult measured, SimResult predicted) {
        SimResult.Totals t = predicted.totals();
        Map<?, ?> events = measured.cryptoStats() != null && measured.cryptoStats().get("events") instanceof Map<?, ?> e
                ? e : Map.of();
        double mRequests = figure(events, CryptoCounter.ENGINE_REQUESTS.label());
        if (!(mRequests > 0) && t.engineRequests() == 0) {
            return null;
        }
        double pRequests = t.engineRequests() > 0 ? t.engineRequests() : Double.NaN;
        return new CardRow(figure(events, CryptoCounter.ENGINE_WAKEUPS.label()) / mRequests,
                t.engineWakeups() / pRequests, figure(events, CryptoCounter.INTERRUPTS.label()) / mRequests,
                t.completionInterrupts() / pRequests);
    }

    /** @return {@code again}'s figures judged against {@code first} by the rules a prediction is judged by */
    public static Repeat agreement(RunResult again, RunResult first) {
        double dErr = rel(again.deliveredPps(), first.deliveredPps());
        double ms = first.perPacket().hostSwitches();
        double as = again.perPacket().hostSwitches();
        double sErr = rel(as, ms);
        return new Repeat(again.deliveredPps(), dErr, deliveredWithin(dErr), as, sErr, switchesWithin(sErr, as, ms));
    }

    private static boolean deliveredWithin(double error) {
        return Math.abs(error) <= DELIVERED_TOLERANCE;
    }

    private static boolean switchesWithin(double error, double figure, double measured) {
        return Math.abs(error) <= SWITCHES_TOLERANCE || Math.abs(figure - measured) <= SWITCHES_FLOOR;
    }

    private static double rel(double predicted, double measured) {
        if (measured == 0) {
            return predicted == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return (predicted - measured) / measured;
    }

    /** The simulation of measured run {@code r}: its settings on {@code profile}, devices on their own CPU. */
    public static SimSpec specOf(RunResult r, SimModels m, Profile profile, double simSeconds) {
        Map<String, Object> st = r.settings();
        CryptoDrivers crypto = CryptoDrivers.byLabel(String.valueOf(st.getOrDefault("crypto", r.crypto())));
        SizeMix sizes;
        try {
            sizes = SizeMix.parse(String.valueOf(st.getOrDefault("sizes", "64")));
        } catch (IllegalArgumentException e) {
            sizes = SizeMix.fixed(64);
        }
        int coalescePackets = 1;
        long coalesceNs = 0;
        Object co = st.get("coalescing");
        if (co instanceof String c && c.startsWith("coalescing(")) {
            String[] parts = c.substring("coalescing(".length(), c.length() - 1).split(",");
            coalescePackets = Integer.parseInt(parts[0].replace("packets", "").strip());
            coalesceNs = Math.round(Double.parseDouble(parts[1].replace("us", "").strip()) * 1000);
        }
        long latency = 5_000;
        long engineRate = 0;
        int ring = 1024;
        int cc = 8;
        long cns = 10_000;
        if (st.get("offload") instanceof Map<?, ?> o) {
            latency = num(o.get("requestLatencyNanos"), latency);
            engineRate = num(o.get("engineBytesPerSecond"), engineRate);
            ring = (int) num(o.get("submissionRingSize"), ring);
            cc = (int) num(o.get("coalesceCount"), cc);
            cns = num(o.get("coalesceNanos"), cns);
        }
        boolean kernel = "true".equalsIgnoreCase(String.valueOf(st.get("kernelPriority")))
                || String.valueOf(st.get("kernelPriority")).startsWith("SCHED_FIFO");
        double seconds = simSeconds > 0 ? simSeconds : Math.max(0.1, r.seconds());
        long measureNs = (long) (seconds * 1e9);
        ArrivalProcess arrivals = "poisson".equals(st.get("arrivals")) ? ArrivalProcess.POISSON : ArrivalProcess.CONSTANT;
        // a run at the maximum rate is simulated at the maximum rate: its wire ran flat out (SimSpec#engineShare)
        double rate = "max".equals(String.valueOf(st.get("rate"))) ? SimSpec.MAX_RATE : Math.max(1, r.offeredPps());
        // EEVDF's base slice here is 1.4 ms (the kernel's 0.7 ms scaled for 2 CPUs; its own report,
        // /sys/kernel/debug/sched/debug: sysctl_sched_base_slice 1.400000), and the end of a slice is
        // noticed at a tick, every 4 ms (HZ=250). The runs show it: busypoll's poller and user, two
        // threads that never sleep on one CPU, took turns of 3.8 to 4.0 ms in all nine of its runs measured
        // on 2026-12-06 (run time over their involuntary switches; a scheduler trace of one run: forty
        // turns in a row of 4.0 ms). Near saturation the turn decides what overflows the ring while the
        // user holds the CPU, and in overload what fits in the socket per turn. A thread woken after the
        // CPU idled briefly is preempted by those it wakes (SimCpu's short idle, fitted to Nap.java here):
        // kcont's and push's near saturation, whose contexts idle between rounds.
        return new SimSpec(profile, m, crypto, rate, arrivals, sizes, measureNs / 5, measureNs,
                (int) num(st.get("ringCapacity"), 1024), coalescePackets, coalesceNs, (int) num(st.get("budget"), 64),
                (int) num(st.get("queueCapacity"), 4096), (int) num(st.get("socketCapacity"), 4096), latency,
                engineRate, ring, cc, cns, 1024, (int) num(st.get("virtualWorkers"), 256), kernel, SimSpec.Interrupts.DEVICE, 4_000_000L, 1_400_000L,
                SimCpu.LINUX_SHORT_IDLE_NS,
                num(st.get("seed"), 1));
    }

    private static long num(Object o, long dflt) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o instanceof String s) {
            try {
                return Math.round(Double.parseDouble(s));
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }
}
