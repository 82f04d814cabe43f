package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.sim.model.SimEnv;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one simulation: builds the machine, the NIC, the card, the user and the model from a
 * {@link SimSpec}; offers packets for the warm-up and the measured interval; stops the wire and lets
 * the path drain; counts what is left as {@code shutdown} drops; checks the accounting.
 *
 * <p>Stateless; each call builds its own {@link Simulation}, so calls may run on several threads.
 */
public final class SimRunner {

    /** Simulated time the path gets to drain after the wire stops. */
    static final long DRAIN_PS = 2_000_000_000_000L;

    private SimRunner() {
    }

    public static SimResult run(SimSpec spec) {
        return run(spec, null);
    }

    /**
     * What {@link #runTraced} did: the result, and the events written between {@code fromPs} and
     * {@code toPs} of simulated time.
     */
    public record Traced(SimResult result, long events, long fromPs, long toPs) {
    }

    /**
     * Runs {@code spec} writing its host CPU's scheduler events ({@link SchedTraceWriter}) for the first
     * {@code windowNs} of its measured interval (all of it if shorter) to {@code file}.
     */
    public static Traced runTraced(SimSpec spec, Path file, long windowNs) throws IOException {
        long from = spec.warmupNs() * Simulation.PS_PER_NS;
        long to = from + Math.min(windowNs, spec.measureNs()) * Simulation.PS_PER_NS;
        try (Writer w = Files.newBufferedWriter(file)) {
            SchedTraceWriter trace = new SchedTraceWriter(w, from, to);
            SimResult r = run(spec, trace);
            return new Traced(r, trace.events(), from, to);
        }
    }

    /**
     * Runs {@code spec}, showing every scheduler event to {@code events} (null: to nobody), from
     * time 0: a {@link SchedTraceWriter} keeps those of its own window.
     */
    public static SimResult run(SimSpec spec, SchedEvents events) {
        Simulation sim = new Simulation(new SplittableRandom(spec.seed()));
        Costs costs = new Costs(spec.profile());
        boolean onHost = spec.interruptsOnHost();
        Machine m = new Machine(sim, costs, spec.tickNs() * Simulation.PS_PER_NS,
                spec.sliceNs() * Simulation.PS_PER_NS, spec.shortIdleNs() * Simulation.PS_PER_NS, onHost);
        SimNic nic = new SimNic(m, spec.ringCapacity(), spec.coalescePackets(), spec.coalesceNs() * Simulation.PS_PER_NS);
        boolean card = spec.effectiveCrypto() != CryptoDrivers.SOFTWARE;
        SimEngine engine = card ? new SimEngine(m, spec.cryptoRing(), spec.engineLatencyNs(), spec.engineRate(),
                spec.cryptoCoalesceCount(), spec.cryptoCoalesceNs(), !onHost, !onHost && spec.wireFlatOut()) : null;
        m.events(events);
        boolean spin = spec.model().spins();
        UserProcess user = m.thread(new UserProcess(m, spec.socketCapacity(), 0, spin));
        spec.model().build(new SimEnv(m, nic, engine, user, spec.budget(), spec.queueCapacity(),
                spec.effectiveKernelPriority(), spin, spec.virtualWorkers()));
        if (spin) {
            m.wake(user, null);
        }

        double pps = spec.offeredPps();
        long warmupEnd = spec.warmupNs() * Simulation.PS_PER_NS;
        long end = warmupEnd + spec.measureNs() * Simulation.PS_PER_NS;
        SimWire wire = new SimWire(m, nic, engine, pps, spec, end);
        wire.start();
        Machine.Snapshot[] marks = new Machine.Snapshot[2];
        SimEngine.Counts[] cardAt = new SimEngine.Counts[2]; // the card's counts at the interval's ends
        Histogram[] latency = new Histogram[1];
        sim.at(warmupEnd, Simulation.Order.BOUNDARY, () -> {
            marks[0] = m.snapshot();
            cardAt[0] = engine == null ? SimEngine.Counts.NONE : engine.counts();
            m.latency.reset();
        });
        sim.at(end, Simulation.Order.BOUNDARY, () -> {
            marks[1] = m.snapshot();
            cardAt[1] = engine == null ? SimEngine.Counts.NONE : engine.counts();
            latency[0] = m.latency.copy();
            sim.stop();
        });
        sim.runUntil(end);
        long drainUntil = end + DRAIN_PS;
        while (m.inFlight() > 0 && sim.now() < drainUntil && sim.pending() > 0) {
            sim.runUntil(Math.min(drainUntil, sim.now() + 1_000_000_000L));
        }
        long left = m.inFlight();
        if (left > 0) {
            m.drops[DropReason.SHUTDOWN.ordinal()] += left;
        }
        return result(spec, m, marks[0], marks[1], latency[0], cardAt[1].since(cardAt[0]));
    }

    /** @param card the card's counts over the interval (all zero without a card) */
    private static SimResult result(SimSpec spec, Machine m, Machine.Snapshot a, Machine.Snapshot b, Histogram h,
                                    SimEngine.Counts card) {
        long engineBusyNs = card.busyPs() / 1000;
        double seconds = (b.at() - a.at()) / 1e12;
        long delivered = b.delivered() - a.delivered();
        double per = RunResult.PerPacket.divisor(delivered);
        long vol = b.voluntary() - a.voluntary();
        long inv = b.involuntary() - a.involuntary();
        Map<String, Long> drops = new LinkedHashMap<>();
        Map<String, Long> all = new LinkedHashMap<>();
        long dropped = 0;
        for (DropReason r : DropReason.values()) {
            long d = b.drops()[r.ordinal()] - a.drops()[r.ordinal()];
            if (d > 0) {
                drops.put(r.label(), d);
            }
            long w = m.drops[r.ordinal()];
            if (w > 0) {
                all.put(r.label(), w);
                dropped += w;
            }
        }
        Map<String, long[]> threads = perThread(m.threads(), a.threads(), b.threads());
        Map<String, long[]> deviceThreads = perThread(m.deviceThreads(), a.deviceThreads(), b.deviceThreads());
        SimResult.Latency lat = new SimResult.Latency(h.getTotalCount(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
                h.getTotalCount() == 0 ? 0 : h.getMean());
        double busy = (b.busyPs() - a.busyPs());
        boolean balanced = m.offered() == m.delivered() + dropped;
        SimResult.Totals totals = new SimResult.Totals(b.handoffs() - a.handoffs(), b.hostWakeups() - a.hostWakeups(),
                b.interrupts() - a.interrupts(), Math.round(busy / 1000), engineBusyNs, card.requests(),
                card.engineWakeups(), card.completionInterrupts());
        return new SimResult(spec, (b.offered() - a.offered()) / seconds, delivered / seconds,
                (b.deliveredBytes() - a.deliveredBytes()) * 8 / seconds / 1e9, vol, inv, (vol + inv) / per, vol / per,
                (b.handoffs() - a.handoffs()) / per, (b.hostWakeups() - a.hostWakeups()) / per,
                (b.interrupts() - a.interrupts()) / per, busy / 1000 / per, busy / (b.at() - a.at()),
                engineBusyNs / per, lat, drops, m.offered(),
                m.delivered(), dropped, all, balanced, threads, deviceThreads, m.sim.fired(), totals);
    }

    /** @return each of {@code ts} by name: its counts at {@code b} less those at {@code a} */
    private static Map<String, long[]> perThread(List<SimThread> ts, long[][] a, long[][] b) {
        Map<String, long[]> each = new LinkedHashMap<>();
        for (int i = 0; i < ts.size(); i++) {
            long[] d = new long[b[i].length];
            for (int k = 0; k < d.length; k++) {
                d[k] = b[i][k] - a[i][k];
            }
            each.put(ts.get(i).name(), d);
        }
        return each;
    }

}
