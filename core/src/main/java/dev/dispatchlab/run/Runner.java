package dev.dispatchlab.run;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoDriverConfig;
import dev.dispatchlab.crypto.CryptoDrivers;
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
import dev.dispatchlab.workload.Workload;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
    /** The drain gives up when no packet has left the path for this long (see {@link #drain}). */
    private static final Duration QUIESCE_STALL = Duration.ofSeconds(1);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final Clock clock = Clock.SYSTEM;
    /** Counted down by {@link #stop()}: the warm-up and the measured interval end at once. */
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /**
     * Ends the run early (Ctrl-C): the warm-up or the measured interval ends now, and the run goes on
     * to drain, stop and check its accounting as at a normal end; its result says it was stopped.
     * Any thread, any time, idempotent.
     */
    public void stop() {
        stopRequested.countDown();
    }

    /** @return true once {@link #stop()} was called */
    public boolean stopped() {
        return stopRequested.getCount() == 0;
    }

    private java.util.function.Consumer<Histogram> latencyObserver = h -> { };

    /**
     * Hands every later run's latency histogram over the measured interval (nanoseconds, with its
     * start and end time stamps) to {@code observer}, on the controlling thread, before the run returns;
     * the commands write it as an HdrHistogram log.
     *
     * @return this runner
     */
    public Runner latencyObserver(java.util.function.Consumer<Histogram> observer) {
        this.latencyObserver = observer;
        return this;
    }

    /** Something switched on for the first part of the measured interval: a scheduler trace. */
    public interface Window {
        void begin() throws IOException;

        void end() throws IOException;
    }

    private Window window;
    private Duration windowLength = Duration.ZERO;

    /**
     * Switches {@code w} on for the first {@code length} of every later run's measured interval (all of
     * it if shorter), on the controlling thread. A window that fails to begin or end fails the run.
     *
     * @return this runner
     */
    public Runner window(Window w, Duration length) {
        this.window = w;
        this.windowLength = length;
        return this;
    }

    /** Sleeps through the measured interval, the window (if any) on for its first part. */
    private void measure(Duration measure) throws InterruptedException {
        if (window == null) {
            sleep(measure);
            return;
        }
        Duration on = windowLength.compareTo(measure) < 0 ? windowLength : measure;
        try {
            window.begin();
            sleep(on);
            window.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sleep(measure.minus(on));
    }

    /** Runs {@code spec} with packets from {@code traffic} (built for {@code spec.workload()}) on the synthetic wire. */
    public RunResult run(RunSpec spec, TrafficSet traffic) throws InterruptedException {
        return run(spec, traffic.workload(), (driver, pool, deviceThreads) ->
                new WireFeed(spec, traffic, driver, pool, clock, deviceThreads), "synthetic");
    }

    /**
     * Runs {@code spec} with a traffic generator sending ESP-in-UDP over loopback to real sockets,
     * one per ring, which the model receives from with {@code recvmmsg}.
     */
    public RunResult runSockets(RunSpec spec) throws InterruptedException {
        return run(spec, spec.workload(), (driver, pool, deviceThreads) ->
                new SocketFeed(spec, spec.workload(), driver, pool, clock, deviceThreads), "socket");
    }

    @FunctionalInterface
    private interface FeedFactory {
        Feed open(CryptoDriver driver, PacketPool pool, ThreadFactory deviceThreads);
    }

    private RunResult run(RunSpec spec, Workload workload, FeedFactory feeds, String sourceName)
            throws InterruptedException {
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
        CryptoDriver driver = cryptoDriver(spec, deviceThreads, clock);
        PacketPool pool = packetPool(spec, workload);
        Feed feed = feeds.open(driver, pool, deviceThreads);
        SocketTable sockets = new SocketTable();
        UserSocket socket = new UserSocket(workload.port(), spec.socketCapacity());
        sockets.bind(socket);
        CpuSet[] hostCpuSets = new CpuSet[place.hostCpus()];
        for (int i = 0; i < hostCpuSets.length; i++) {
            hostCpuSets[i] = place.hostCpu(i);
        }
        ModelEnvironment env = new ModelEnvironment(feed.nic(), feed.sockets(), driver, clock, spec.idle(),
                place.hostCpus(), i -> hostFactories.get(i % hostFactories.size()), registry, spec.budget(),
                spec.queueCapacity(), spec.virtualWorkers(), i -> {
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
        ReceivePath path = new ReceivePath(feed.sas(), new UdpDelivery(sockets, spec.verifyInnerChecksums()),
                PacketSink.IKE_COUNTED, options, model.routing());
        model.connect(path);

        StageContext userCtx = new StageContext("user", clock);
        LatencyRecorder latency = new LatencyRecorder(clock);
        Application app = new Application(socket, userCtx, spec.model().userIdle(spec.idle()), latency, feed.check());
        Thread user = userThreads.newThread(app);
        user.setName("user");

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
        // Everything long-lived is built now (the pool, the feed's frames, the path). One full
        // collection moves it to the old generation: otherwise the first young collections of the
        // run copy tens of megabytes of live buffers, pausing every thread (the wire included) for
        // 30-100 ms on this kind of machine, and the wire's catch-up burst overflows the rings.
        // After it, young pauses only meet the JCA's per-packet garbage and last a millisecond or two.
        double apartBefore = CpuDistance.between(place);
        System.gc();
        try {
            model.start();
            user.start();
            feed.start();
            sleep(spec.warmup());
            for (StageContext c : model.contexts()) {
                blocks.add(c.counters());
            }
            blocks.add(userCtx.counters());
            for (StageContext c : feed.contexts()) {
                blocks.add(c.counters());
            }
            latency.interval();
            sa = switches.snapshot();
            a = sum(blocks);
            t0 = clock.nanoTime();
            measure(spec.measure());
            t1 = clock.nanoTime();
            b = sum(blocks);
            sb = switches.snapshot();
            lat = latency.interval();
        } finally {
            feed.stopGenerating();
        }
        if (!drain(feed, pool, path, model)) {
            // A starved crypto card (or a stuck context) still holds packets. Shut the driver down while
            // the model still runs: requests it never started fail (ENGINE_FAILURE, counted as drops),
            // the one in service completes, and their continuations go through the model's own queues
            // like any completion, so nothing is left in a queue of a stopped model. Then drain again.
            driver.shutdown(shutdown);
            drain(feed, pool, path, model);
        }
        model.stop();
        boolean joined = model.join(JOIN_TIMEOUT);
        socket.close();
        user.join(JOIN_TIMEOUT.toMillis());
        // Whatever is still anywhere is dropped, counted as SHUTDOWN (none, in a run that drained).
        feed.discard(shutdown);
        model.discardLeftovers(shutdown);
        driver.shutdown(shutdown);
        socket.discard(shutdown, DropReason.SHUTDOWN);
        for (StageContext c : model.contexts()) {
            path.flushReassembly(c);
        }
        Throwable modelFailure = model.failure();
        if (modelFailure == null && feed.failure() != null) {
            modelFailure = feed.failure();
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
        for (Thread t : feed.threads()) {
            if (t.isAlive()) {
                left.add(t.getName());
            }
        }
        Map<String, Object> feedReport = new LinkedHashMap<>(feed.report());
        Map<String, Long> sentBad = feed.sentBad();
        List<String> notes = new ArrayList<>(feed.notes(spec.saturating()));
        Map<String, Object> cryptoStats = statsOf(driver);
        model.close();
        driver.close();
        feed.close();
        userCtx.close();
        shutdown.close();

        double apartAfter = CpuDistance.between(place);
        // the device CPU's distance from the host's around the run (see CpuDistance): what each frame pays
        if (!Double.isNaN(apartBefore)) {
            feedReport.put("cpuRoundTripNanosBefore", apartBefore);
        }
        if (!Double.isNaN(apartAfter)) {
            feedReport.put("cpuRoundTripNanosAfter", apartAfter);
        }

        // ---- figures over the measured interval
        CounterBlock d = delta(a, b);
        SwitchDelta sd = SwitchDelta.between(sa, sb);
        double secs = (t1 - t0) / 1e9;
        long delivered = d.get(Counter.DELIVERED);
        double per = RunResult.PerPacket.divisor(delivered);
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
                    t.involuntary(), t.cpuNanos(), t.waitNanos() < 0 ? null : t.waitNanos(),
                    t.fate().name().toLowerCase()));
        }
        if (stopped()) {
            notes.add(String.format(java.util.Locale.ROOT, "stopped early (Ctrl-C) after %.2f s of the %.2f s"
                    + " measured interval: a partial result", secs, spec.measure().toNanos() / 1e9));
        }
        if (place.shared()) {
            notes.add("host and device threads share CPUs: " + place.describe());
        }
        if (prioFailure.get() != null) {
            notes.add("host contexts ran at normal priority: " + prioFailure.get());
        }
        String jvm = jvmNote(threads, secs);
        if (jvm != null) {
            notes.add(jvm);
        }
        latencyObserver.accept(lat);
        double bytes = d.get(Counter.DELIVERED_BYTES);
        Map<String, Object> settings = settings(spec, workload, pool);
        settings.put("source", sourceName);
        return new RunResult(spec.model().label(), spec.model().description(), cryptoKind.label(),
                workload.describe(), settings, Environment.current(), secs, d.get(Counter.OFFERED) / secs,
                delivered / secs, bytes * 8 / secs / 1e9, host, dev, other, pp, l, drops, events, ar, checks,
                feedReport, cryptoStats, threads, notes, sentBad);
    }

    /** The JVM's own threads' CPU over the measured interval from which a run says so (a share of one CPU). */
    static final double JVM_NOTE_SHARE = 0.02;

    /**
     * @return a note when the JVM's own threads (compiler, GC: role other) ran {@value #JVM_NOTE_SHARE}
     *         of a CPU or more in the measured interval of {@code seconds}, naming the busiest; else null.
     *         They are not pinned, so they share the host and device CPUs with the model: in a JVM of its
     *         own the C2 compiler still took 5 to 22 % of the host CPU after an 8 s warm-up here (README,
     *         scheduler traces).
     */
    static String jvmNote(List<RunResult.ThreadCounts> threads, double seconds) {
        Map<String, Long> byName = new LinkedHashMap<>();
        long total = 0;
        for (RunResult.ThreadCounts t : threads) {
            if ("other".equals(t.role())) {
                byName.merge(t.name(), t.cpuNanos(), Long::sum);
                total += t.cpuNanos();
            }
        }
        if (seconds <= 0 || total < JVM_NOTE_SHARE * seconds * 1e9) {
            return null;
        }
        StringBuilder top = new StringBuilder();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                .forEach(e -> top.append(top.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * e.getValue() / 1e9 / seconds)));
        return String.format(java.util.Locale.ROOT, "the JVM's own threads ran %.1f %% of a CPU in the measured"
                + " interval (%s), beside the model's on its CPUs; a longer --warmup lets the compiler finish",
                100.0 * total / 1e9 / seconds, top);
    }

    /**
     * The crypto driver a run of {@code spec} uses: {@link RunSpec#effectiveCrypto()} with the run's
     * offload and auto settings, its device threads (an offload driver's engines and watchdog) made by
     * {@code deviceThreads}. Also used by {@link Calibration} to build the same driver.
     */
    static CryptoDriver cryptoDriver(RunSpec spec, ThreadFactory deviceThreads, Clock clock) {
        return spec.effectiveCrypto().create(CryptoDriverConfig.defaults().withClock(clock)
                .withThreadFactory(deviceThreads).withOffload(spec.offload()).withAuto(spec.auto()));
    }

    /**
     * The packet pool a run of {@code spec} uses: enough buffers for every ring, the socket, two
     * queues and the crypto card's rings full at once, plus 1024, each big enough for the workload's
     * largest frame. Also used by {@link Calibration} to build the same pool.
     */
    static PacketPool packetPool(RunSpec spec, Workload workload) {
        int frame = workload.sizes().max() + 200;
        int buffers = spec.rings() * spec.ringCapacity() + spec.socketCapacity() + 2 * spec.queueCapacity()
                + spec.offload().submissionRingSize() + spec.offload().completionRingSize() + 1024;
        return new PacketPool("rx", buffers, frame + PacketPool.DEFAULT_HEADROOM, PacketPool.DEFAULT_HEADROOM);
    }

    /**
     * Waits until every packet already in the path has left it (nothing new arrives now), for at most
     * {@link #QUIESCE_TIMEOUT}, and gives up sooner when nothing has left it for {@link #QUIESCE_STALL}:
     * a starved crypto card (a tiny {@code --engine-rate}) would otherwise hold the run for the whole
     * timeout. What is left is counted by the caller under a drop reason.
     *
     * @return true when the path drained
     */
    private static boolean drain(Feed feed, PacketPool pool, ReceivePath path, ModelRuntime model) {
        long start = System.nanoTime();
        long lastChange = start;
        long last = -1;
        while (true) {
            long now = System.nanoTime();
            long held = pool.outstanding() - path.fragmentsHeld();
            if (feed.arrived() && held == 0 && model.queued() == 0) {
                return true;
            }
            if (held != last) {
                last = held;
                lastChange = now;
            }
            if (now - start >= QUIESCE_TIMEOUT.toNanos() || now - lastChange >= QUIESCE_STALL.toNanos()) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Raises the calling (kernel-side host) thread to SCHED_FIFO {@code prio}; remembers the first refusal. */
    private static void elevate(int prio, AtomicReference<String> failure) {
        try {
            CurrentThread.schedule(CurrentThread.SCHED_FIFO, prio);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e.getMessage());
        }
    }

    /** Sleeps for {@code d}, or until {@link #stop()}. */
    private void sleep(Duration d) throws InterruptedException {
        stopRequested.await(d.toNanos(), TimeUnit.NANOSECONDS);
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

    private static Map<String, Object> settings(RunSpec s, Workload w, PacketPool pool) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", s.model().label());
        m.put("crypto", s.effectiveCrypto().label());
        m.put("offload", s.offload().describe());
        m.put("auto", s.auto().toString());
        m.put("rate", s.saturating() ? "max" : s.ratePps());
        m.put("arrivals", s.arrivals().name().toLowerCase());
        m.put("suite", w.suite().label());
        m.put("sizes", w.sizes().label());
        m.put("flows", w.flows());
        m.put("sas", w.sas());
        m.put("esn", w.esn());
        m.put("natt", w.natt());
        m.put("malformedShare", w.malformedShare());
        m.put("replayShare", w.replayShare());
        m.put("badIcvShare", w.badIcvShare());
        m.put("seed", w.seed());
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
        return m;
    }
}
