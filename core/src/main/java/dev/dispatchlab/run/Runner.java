package dev.dispatchlab.run;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoDriverConfig;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.SyntheticWire;
import dev.dispatchlab.device.WireConfig;
import dev.dispatchlab.device.WireReport;
import dev.dispatchlab.dispatch.models.ModelEnvironment;
import dev.dispatchlab.dispatch.models.ModelRuntime;
import dev.dispatchlab.metrics.Accounting;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.LatencyRecorder;
import dev.dispatchlab.metrics.SwitchDelta;
import dev.dispatchlab.metrics.SwitchSnapshot;
import dev.dispatchlab.metrics.ThreadRegistry;
import dev.dispatchlab.metrics.ThreadRole;
import dev.dispatchlab.metrics.ThreadSwitches;
import dev.dispatchlab.os.CurrentThread;
import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.report.Environment;
import dev.dispatchlab.stack.Application;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.stack.PathOptions;
import dev.dispatchlab.stack.ReceivePath;
import dev.dispatchlab.stack.SocketTable;
import dev.dispatchlab.stack.UdpDelivery;
import dev.dispatchlab.stack.UserSocket;
import dev.dispatchlab.workload.TrafficSet;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one dispatch model on one workload and measures it, the same way for every model:
 *
 * <pre>
 *  build: crypto driver, receiver SAs, NIC, packet pool, model, receive path, user socket + thread, wire
 *  start model, user, wire ─ warm-up ─ snapshot A ─ measured interval ─ snapshot B
 *  stop the wire; wait until every packet has left the path; stop the model and the user
 *  drop (SHUTDOWN) whatever is still queued; check the accounting over the whole run
 * </pre>
 * Snapshots read every context's counters, the OS's per-thread switch and CPU counts, and the
 * user's latency histogram; figures are the differences B - A. A run whose accounting does not
 * balance, whose user saw a corrupted payload, or that leaves a thread running is returned with
 * its checks failed; the commands turn that into an error, never a result.
 *
 * <p>Threading: {@link #run} on one controlling thread (it sleeps through the run); one run at a time.
 */
public final class Runner {

    private static final Duration QUIESCE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final Clock clock = Clock.SYSTEM;

    /** Runs {@code spec} with packets from {@code traffic} (built for {@code spec.workload()}). */
    public RunResult run(RunSpec spec, TrafficSet traffic) throws InterruptedException {
        ThreadRegistry registry = new ThreadRegistry();
        registry.classifyCarriers();
        Placement place = spec.placement();
        ThreadFactory deviceThreads = registry.threadFactory(ThreadRole.DEVICE, "dev", place.device());
        int prio = spec.model().kernelPriority() ? spec.kernelPriority() : 0;
        AtomicReference<String> prioFailure = new AtomicReference<>();
        List<ThreadFactory> hostFactories = new ArrayList<>();
        for (int i = 0; i < place.hostCpus(); i++) {
            ThreadFactory plain = registry.threadFactory(ThreadRole.HOST, "host" + i, place.hostCpu(i));
            hostFactories.add(prio == 0 ? plain : task -> plain.newThread(() -> {
                elevate(prio, prioFailure);
                task.run();
            }));
        }
        ThreadFactory userThreads = registry.threadFactory(ThreadRole.HOST, "user", place.hostCpu(0));
        CryptoDrivers cryptoKind = spec.effectiveCrypto();
        CryptoDriver driver = cryptoKind.create(CryptoDriverConfig.defaults().withClock(clock)
                .withThreadFactory(deviceThreads).withOffload(spec.offload()).withAuto(spec.auto()));
        TrafficSet.Receiver receiver = traffic.receiver(driver, spec.replayWindow());
        SocketTable sockets = new SocketTable();
        UserSocket socket = new UserSocket(traffic.workload().port(), spec.socketCapacity());
        sockets.bind(socket);
        Nic nic = new Nic("nic0", spec.rings(), spec.ringCapacity(), spec.coalescing());
        int frame = traffic.workload().sizes().max() + 200;
        int buffers = spec.rings() * spec.ringCapacity() + spec.socketCapacity() + 2 * spec.queueCapacity()
                + spec.offload().submissionRingSize() + spec.offload().completionRingSize() + 1024;
        PacketPool pool = new PacketPool("rx", buffers, frame + PacketPool.DEFAULT_HEADROOM, PacketPool.DEFAULT_HEADROOM);
        CpuSet[] hostCpuSets = new CpuSet[place.hostCpus()];
        for (int i = 0; i < hostCpuSets.length; i++) {
            hostCpuSets[i] = place.hostCpu(i);
        }
        ModelEnvironment env = new ModelEnvironment(nic, driver, clock, spec.idle(), place.hostCpus(),
                i -> hostFactories.get(i % hostFactories.size()), registry, spec.budget(), spec.queueCapacity(),
                spec.virtualWorkers(), i -> {
                    CpuSet c = hostCpuSets[i % hostCpuSets.length];
                    if (c != null) {
                        CurrentThread.pin(c);
                    }
                    if (prio != 0) {
                        elevate(prio, prioFailure);
                    }
                });
        ModelRuntime model = spec.model().build(env);
        PathOptions options = PathOptions.DEFAULT.withVerifyInnerChecksums(spec.verifyInnerChecksums());
        ReceivePath path = new ReceivePath(receiver.sas(), new UdpDelivery(sockets, spec.verifyInnerChecksums()),
                PacketSink.IKE_COUNTED, options, model.routing());
        model.connect(path);

        StageContext userCtx = new StageContext("user", clock);
        LatencyRecorder latency = new LatencyRecorder(clock);
        Application app = new Application(socket, userCtx, spec.model().userIdle(spec.idle()), latency,
                traffic.payloadCheck());
        Thread user = userThreads.newThread(app);
        user.setName("user");
        TrafficSet.Source source = receiver.source();
        long total = spec.warmup().plus(spec.measure()).toNanos() + Duration.ofSeconds(3600).toNanos();
        WireConfig wc = new WireConfig(spec.ratePps(), spec.arrivals(), 0, total, WireConfig.DEFAULT_MAX_BURST,
                traffic.workload().seed(), WireConfig.DEFAULT_LAG_TOLERANCE_NANOS,
                WireConfig.DEFAULT_PARK_THRESHOLD_NANOS);
        SyntheticWire wire = new SyntheticWire(nic, pool, source, wc, clock, deviceThreads);

        List<CounterBlock> blocks = new ArrayList<>();
        ThreadSwitches switches = new ThreadSwitches(registry, clock);
        StageContext shutdown = new StageContext("shutdown", clock);
        String failure = null;
        long t0;
        long t1;
        CounterBlock a;
        CounterBlock b;
        SwitchSnapshot sa;
        SwitchSnapshot sb;
        Histogram lat;
        try {
            model.start();
            user.start();
            wire.start();
            sleep(spec.warmup());
            for (StageContext c : model.contexts()) {
                blocks.add(c.counters());
            }
            blocks.add(userCtx.counters());
            blocks.add(wire.stage().counters());
            latency.interval();
            sa = switches.snapshot();
            a = sum(blocks);
            t0 = clock.nanoTime();
            sleep(spec.measure());
            t1 = clock.nanoTime();
            b = sum(blocks);
            sb = switches.snapshot();
            lat = latency.interval();
        } finally {
            wire.stop();
            wire.join(JOIN_TIMEOUT);
        }
        // Let every packet already in the path finish: nothing new arrives now.
        long deadline = System.nanoTime() + QUIESCE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (pool.outstanding() - path.fragmentsHeld() == 0 && model.queued() == 0) {
                break;
            }
            LockSupport.parkNanos(1_000_000);
        }
        model.stop();
        boolean joined = model.join(JOIN_TIMEOUT);
        socket.close();
        user.join(JOIN_TIMEOUT.toMillis());
        // Whatever is still anywhere is dropped, counted, as SHUTDOWN (none, in a run that drained).
        nic.discard(shutdown, DropReason.SHUTDOWN);
        model.discardLeftovers(shutdown);
        driver.shutdown(shutdown);
        socket.discard(shutdown, DropReason.SHUTDOWN);
        for (StageContext c : model.contexts()) {
            path.flushReassembly(c);
        }
        Throwable modelFailure = model.failure();
        if (modelFailure == null && wire.failure() != null) {
            modelFailure = wire.failure();
        }
        if (modelFailure != null) {
            failure = modelFailure.toString();
        } else if (!joined) {
            failure = "the model's threads did not stop within " + JOIN_TIMEOUT.toSeconds() + " s";
        }
        blocks.add(shutdown.counters());
        CounterBlock totals = sum(blocks);
        long inFlight = pool.outstanding() + path.datagramBuffersOutstanding();
        Accounting acc = Accounting.of(totals, inFlight);
        List<String> left = new ArrayList<>();
        for (Thread t : model.threads()) {
            if (t.isAlive()) {
                left.add(t.getName());
            }
        }
        if (user.isAlive()) {
            left.add(user.getName());
        }
        for (Thread t : wire.threads()) {
            if (t.isAlive()) {
                left.add(t.getName());
            }
        }
        WireReport wr = wire.report();
        Map<String, Object> cryptoStats = statsOf(driver);
        driver.close();
        receiver.close();
        userCtx.close();
        shutdown.close();

        // ---- figures over the measured interval
        CounterBlock d = delta(a, b);
        SwitchDelta sd = SwitchDelta.between(sa, sb);
        double secs = (t1 - t0) / 1e9;
        long delivered = d.get(Counter.DELIVERED);
        double per = Math.max(1, delivered);
        RunResult.RoleCounts host = role(sd, ThreadRole.HOST);
        RunResult.RoleCounts dev = role(sd, ThreadRole.DEVICE);
        RunResult.RoleCounts other = role(sd, ThreadRole.OTHER);
        RunResult.PerPacket pp = new RunResult.PerPacket(host.switches() / per, host.voluntarySwitches() / per,
                dev.switches() / per, d.get(Counter.HANDOFF) / per, d.get(Counter.WAKEUP) / per,
                d.get(Counter.INTERRUPT) / per, host.cpuNanos() / per, dev.cpuNanos() / per);
        RunResult.Latency l = new RunResult.Latency(lat.getTotalCount(), lat.getValueAtPercentile(50),
                lat.getValueAtPercentile(90), lat.getValueAtPercentile(99), lat.getValueAtPercentile(99.9),
                lat.getMaxValue(), lat.getTotalCount() == 0 ? 0 : lat.getMean());
        Map<String, Long> drops = labels(d.dropsByReason());
        Map<String, Long> events = new LinkedHashMap<>();
        d.events().forEach((k, v) -> events.put(k.label(), v));
        RunResult.AccountingResult ar = new RunResult.AccountingResult(acc.offered(), acc.delivered(), acc.ikePassed(),
                acc.fragmentsAbsorbed(), acc.dropped(), acc.inFlight(), acc.balanced(), labels(acc.drops()));
        RunResult.Checks checks = new RunResult.Checks(acc.balanced(), totals.get(Counter.CONTENT_MISMATCH), left,
                failure);
        List<RunResult.ThreadCounts> threads = new ArrayList<>();
        for (SwitchDelta.ThreadDelta t : sd.threads()) {
            threads.add(new RunResult.ThreadCounts(t.name(), t.role().name().toLowerCase(), t.voluntary(),
                    t.involuntary(), t.cpuNanos(), t.fate().name().toLowerCase()));
        }
        List<String> notes = new ArrayList<>();
        if (!spec.saturating() && wr.achievedPps() < 0.99 * wr.offeredPps()) {
            notes.add(String.format("the wire could not keep up: achieved %.0f of %.0f pps (max lag %.1f ms); the "
                    + "device CPU is the limit, not the host", wr.achievedPps(), wr.offeredPps(), wr.maxLagNanos() / 1e6));
        } else if (!spec.saturating() && wr.fellBehind()) {
            notes.add(String.format("the wire kept its rate but placed some bursts late (max lag %.1f ms: the device "
                    + "CPU was briefly busy, e.g. with JVM threads)", wr.maxLagNanos() / 1e6));
        }
        if (spec.saturating()) {
            notes.add(String.format("saturation: the wire placed packets as fast as it could (%.0f pps)", wr.achievedPps()));
        }
        if (place.shared()) {
            notes.add("host and device threads share CPUs: " + place.describe());
        }
        if (prioFailure.get() != null) {
            notes.add("host contexts ran at normal priority: " + prioFailure.get());
        }
        if (source.rekeys() > 0) {
            notes.add("anti-replay windows re-armed " + source.rekeys() + " times as the pre-built packets came round");
        }
        double bytes = d.get(Counter.DELIVERED_BYTES);
        return new RunResult(spec.model().label(), spec.model().description(), cryptoKind.label(),
                traffic.workload().describe(), settings(spec, traffic, pool, wc), Environment.current(), secs,
                (d.get(Counter.OFFERED)) / secs, delivered / secs, bytes * 8 / secs / 1e9, host, dev, other, pp, l,
                drops, events, ar, checks, wireMap(wr), cryptoStats, threads, notes, sentBad(source));
    }

    /** Raises the calling (kernel-side host) thread to SCHED_FIFO {@code prio}; remembers the first refusal. */
    private static void elevate(int prio, AtomicReference<String> failure) {
        try {
            CurrentThread.schedule(CurrentThread.SCHED_FIFO, prio);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e.getMessage());
        }
    }

    private static Map<String, Long> sentBad(TrafficSet.Source source) {
        long[] e = source.expected();
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < e.length; i++) {
            if (e[i] != 0) {
                m.put(DropReason.of(i).label(), e[i]);
            }
        }
        return m;
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }

    private static CounterBlock sum(List<CounterBlock> blocks) {
        CounterBlock s = new CounterBlock("sum");
        for (CounterBlock b : blocks) {
            b.addTo(s);
        }
        return s;
    }

    /** @return b - a, counter by counter */
    private static CounterBlock delta(CounterBlock a, CounterBlock b) {
        CounterBlock d = new CounterBlock("delta");
        for (Counter c : Counter.values()) {
            d.add(c, b.get(c) - a.get(c));
        }
        for (DropReason r : DropReason.values()) {
            d.drop(r, b.get(r) - a.get(r));
        }
        return d;
    }

    private static RunResult.RoleCounts role(SwitchDelta sd, ThreadRole r) {
        SwitchDelta.RoleTotals t = sd.totals(r);
        return new RunResult.RoleCounts(t.threads(), t.voluntary(), t.involuntary(), t.cpuNanos());
    }

    private static Map<String, Long> labels(Map<DropReason, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v != 0) {
                out.put(k.label(), v);
            }
        });
        return out;
    }

    private static Map<String, Object> statsOf(CryptoDriver driver) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(driver.stats().toJson(),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("summary", driver.stats().toString());
            return m;
        }
    }

    private static Map<String, Object> wireMap(WireReport w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offeredPps", w.offeredPps());
        m.put("achievedPps", w.achievedPps());
        m.put("offered", w.offered());
        m.put("placed", w.placed());
        m.put("ringFull", w.ringFull());
        m.put("poolExhausted", w.poolExhausted());
        m.put("maxLagNanos", w.maxLagNanos());
        m.put("fellBehind", w.fellBehind());
        m.put("arrivals", w.arrivals().name().toLowerCase());
        m.put("seed", w.seed());
        return m;
    }

    private static Map<String, Object> settings(RunSpec s, TrafficSet traffic, PacketPool pool, WireConfig wc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", s.model().label());
        m.put("crypto", s.effectiveCrypto().label());
        m.put("offload", s.offload().describe());
        m.put("auto", s.auto().toString());
        m.put("rate", s.saturating() ? "max" : s.ratePps());
        m.put("arrivals", s.arrivals().name().toLowerCase());
        m.put("suite", traffic.workload().suite().label());
        m.put("sizes", traffic.workload().sizes().label());
        m.put("flows", traffic.workload().flows());
        m.put("sas", traffic.workload().sas());
        m.put("esn", traffic.workload().esn());
        m.put("natt", traffic.workload().natt());
        m.put("malformedShare", traffic.workload().malformedShare());
        m.put("replayShare", traffic.workload().replayShare());
        m.put("badIcvShare", traffic.workload().badIcvShare());
        m.put("seed", traffic.workload().seed());
        m.put("prebuiltPackets", traffic.templateCount());
        m.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        m.put("measureSeconds", s.measure().toMillis() / 1000.0);
        m.put("rings", s.rings());
        m.put("ringCapacity", s.ringCapacity());
        m.put("coalescing", s.coalescing().toString());
        m.put("budget", s.budget());
        m.put("idle", s.idle().label());
        m.put("userIdle", s.model().userIdle(s.idle()).label());
        m.put("queueCapacity", s.queueCapacity());
        m.put("socketCapacity", s.socketCapacity());
        m.put("virtualWorkers", s.virtualWorkers());
        m.put("replayWindow", s.replayWindow());
        m.put("verifyInnerChecksums", s.verifyInnerChecksums());
        m.put("placement", s.placement().describe());
        m.put("kernelPriority", s.model().kernelPriority() && s.kernelPriority() > 0
                ? "SCHED_FIFO " + s.kernelPriority() : "normal");
        m.put("packetBuffers", pool.capacity());
        m.put("packetBufferBytes", pool.bufferSize());
        m.put("wireMaxBurst", wc.maxBurst());
        return m;
    }
}
