package dev.dispatchlab.run;

import dev.dispatchlab.crypto.AutoConfig;
import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoCallback;
import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.CryptoStatus;
import dev.dispatchlab.crypto.OffloadConfig;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.device.ArrivalProcess;
import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.device.WireReport;
import dev.dispatchlab.dispatch.Continuation;
import dev.dispatchlab.dispatch.Doorbell;
import dev.dispatchlab.dispatch.ExecutionContext;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.dispatch.Softint;
import dev.dispatchlab.dispatch.SoftintLevel;
import dev.dispatchlab.dispatch.Softints;
import dev.dispatchlab.dispatch.models.DispatchModels;
import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.metrics.LatencyRecorder;
import dev.dispatchlab.metrics.ThreadRegistry;
import dev.dispatchlab.metrics.ThreadRole;
import dev.dispatchlab.metrics.ThreadSample;
import dev.dispatchlab.metrics.ThreadSwitches;
import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.CurrentThread;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpInput;
import dev.dispatchlab.proto.LinkInput;
import dev.dispatchlab.stack.Application;
import dev.dispatchlab.stack.CompletionRouting;
import dev.dispatchlab.stack.PacketSink;
import dev.dispatchlab.stack.PathOptions;
import dev.dispatchlab.stack.ReceivePath;
import dev.dispatchlab.stack.SocketTable;
import dev.dispatchlab.stack.UdpDelivery;
import dev.dispatchlab.stack.UserSocket;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import org.jctools.queues.MpmcArrayQueue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Measures this machine's primitive costs for the simulator: what a wakeup and a context switch
 * cost on one CPU and across CPUs, a virtual-thread park and unpark, softint and continuation
 * dispatch, each stage of the receive path, and the cipher per packet and per byte.
 *
 * <h2>How</h2>
 * Every figure is the median of {@value #TRIALS} trials, each timing many repetitions with one
 * clock reading at each end (a clock read costs tens of nanoseconds here, more than some of the
 * things measured). Thread handoffs are ping-pongs between two threads pinned as stated, over the
 * run's idle strategy, with the operating system's switch counts read beside them. Stage costs are
 * timed one stage at a time over real packets from a {@link TrafficSet}: a batch of packets is taken
 * untimed through the stages before (restore the frame, link demux, IP, ESP, ...), then the stage
 * runs over the whole batch between two clock readings (ESP without the cipher: ESP less the cipher
 * alone, per trial).
 *
 * <p>A handoff's ping-pong leaves the CPUs idle in turn; a run's host CPU is busy when the wire or the
 * engine wakes one of its threads from the device CPU, and that wakeup arrives as an inter-processor
 * interrupt, in a guest a round of exits. {@code wakeupOfBusyCpu} ({@link #wakeupOfBusyCpu}) measures
 * what it costs the CPU it lands on: a thread computing there loses that much progress per wakeup.
 *
 * <h2>In place</h2>
 * Those figures are costs on one CPU with the data hot in its cache, and the runtime pays more for the
 * same work: the synthetic wire writes every frame on the device CPU, so the host reads frames (and
 * pool buffers) out of the other CPU's cache; and the emulated crypto card's engine, a device thread,
 * spends CPU of its own per request beyond the bare cipher (descriptor rings, clock readings, the
 * coalesced interrupt, packets last written by the host CPU). The simulator's profile for this
 * machine needs the costs as the runtime pays them, so with a device CPU apart from the host two
 * figures are measured in place, with the runtime's own pieces, under {@code inPlace}:
 * <ul>
 *   <li>{@code pathNanos}: what a synthetic puller run builds ({@link Runner}'s driver and pool, a
 *       {@link WireFeed}: the wire at {@link RunSpec#MAX_RATE} on the device CPU into the NIC's ring)
 *       and one host thread on the host CPU that takes up to 64 frames off the ring at a time, as a
 *       puller does, runs each through the receive path (link, IP, ESP with the software driver
 *       inline, inner IP and UDP, the user socket), then takes them off the socket and releases them.
 *       No dispatch (no wakeups, no queues, no user thread). The host thread's CPU clock is read
 *       around each batch that found frames, so waiting for the wire is left out; the figure is CPU
 *       per frame after a warm-up, less what the clock readings themselves cost, over batches whose
 *       frames all went the whole way (a slow host meets replays: see {@link #pathTrial}).</li>
 *   <li>{@code offloadHostNanosPerRequest} and {@code offloadEngineNanosPerRequest}: a real
 *       {@link dev.dispatchlab.crypto.OffloadDriver} with the run command's default settings, its
 *       engine made by the runtime's device thread factory (pinned to the device CPU), its completion
 *       interrupt connected to a line that does nothing. One host thread on the host CPU keeps 768 to
 *       896 requests outstanding (so the engine never idles, and requests are far older than the
 *       emulated 5 us latency when it takes them, so it never waits), submits each request as
 *       esp_input does and drains the completions itself; the continuation releases the packet. Host:
 *       its CPU time around the submit and drain calls only (not preparing packets, not waiting) per
 *       request. Engine: the engine thread's CPU time over the same requests, the kernel's
 *       {@code sum_exec_runtime} that a run's per-thread figures read from {@code schedstat}, but read
 *       through the thread's CPU clock, which brings it up to date for a thread running at that moment
 *       ({@code schedstat} lags by up to a scheduler tick, all of a short window).</li>
 *   <li>{@code offloadBesideWireNanosPerRequest}, {@code offloadBesideWireEngineNanosPerRequest} and
 *       {@code offloadBesideWireHostNanosPerRequest}: the card in place ({@link #cardTrial}), the wire
 *       flat out on the engine's CPU and one host thread running the wire's frames through the receive
 *       path with the offload driver, as a run at the maximum rate has it: elapsed time, engine CPU and
 *       host CPU per packet delivered. Here the engine spends about twice the CPU per request it
 *       spends on prepared requests, and the figures move with the JIT's state: measured after the software path
 *       in one JVM (as here, and as most of a compare's runs are) the card is about twice as slow as in
 *       a fresh JVM.</li>
 *   <li>{@code offloadRefusingHostNanosPerRequest}, {@code offloadRefusedPerRequest} and
 *       {@code offloadRefusalHostNanos}: the card in place with the host offering every frame
 *       ({@link #refusingCardTrial}), as a run at the maximum rate has it: the host's CPU per packet
 *       delivered, the submits refused per packet delivered, and from those, against the host's CPU below
 *       the limit, what each refused frame costs it (the whole frame: receive, IP, ESP, the refused submit,
 *       the drop). In a run at the maximum rate the stages take one to three frames for every packet the
 *       card returns, so this is most of the host's work there.</li>
 *   <li>{@code offloadIdlePollNanos}: the engine's polls of its empty submission ring before it parks
 *       ({@link #idlePollNanos}), timed on the device CPU: under 1 us here, where the isolated-request
 *       trial leaves 12 us of the engine's CPU per request beyond its work and waits (what waking the
 *       engine on an idle device CPU costs it). With the sends timed as well ({@code wakerNanos}, below)
 *       the profile's {@code engine_idle_spin} is the polls; without, the isolated trial's remainder.</li>
 * </ul>
 *
 * <p>{@code wakeupOfBusyCpu} also times each wakeup from the ring on the device CPU to the sleeper
 * running on the host ({@code latencyNanos}), and again with no thread computing on the host between
 * the wakeups ({@code idleLatencyNanos}), as a run's device threads wake an idle host CPU. Here the
 * idle figure came out at the cross-CPU ping-pong's handoff, 31 to 34 us, which {@code cross_cpu_wakeup}
 * is taken from, and the busy one at 22 to 25 us, although a scheduler trace of this trial shows 7 us
 * (p50) from the kernel's {@code sched_wakeup} to the switch in both, and one of a run 5 to 15 us: most
 * of a wakeup's time here lies outside what those two events bracket (a wakeup queued to a halted CPU
 * is written only once that CPU runs; the trace's clocks are per CPU), so a trace's wakeup-to-switch
 * time is no measure of it. The ring's own call, where it unparked the sleeper, is timed as well
 * ({@code wakerNanos}, {@code idleWakerNanos}): the sender's side of a cross-CPU wakeup, 10 to 14 us
 * here against a few hundred nanoseconds for a wakeup on the same CPU.
 *
 * <p>Threading: {@link #measure} on the calling thread, which it pins to the host CPU; the in-place
 * measurements start and join threads of their own.
 */
public final class Calibration {

    static final int TRIALS = 5;

    /** In place: frames taken off the ring before the measured ones, and measured, per trial. */
    static final int PATH_WARMUP_FRAMES = 200_000;
    static final int PATH_FRAMES = 200_000;
    /** In place: requests completed before the measured ones, and measured, per trial. */
    static final int OFFLOAD_WARMUP_REQUESTS = 100_000;
    static final int OFFLOAD_REQUESTS = 200_000;
    /** Packets a host pass takes at most: the run command's budget, NAPI's weight. */
    private static final int BUDGET = 64;
    /** Outstanding requests are kept between this many below {@link #OFFLOAD_HIGH} and it. */
    private static final int OFFLOAD_SLACK = 128;
    /** Most requests outstanding: under both crypto rings' 1024, so no submit is refused and no completion waits. */
    private static final int OFFLOAD_HIGH = 1024 - OFFLOAD_SLACK;
    /** How long the offload host waits (untimed) between its drain-and-refill passes. */
    private static final long OFFLOAD_PASS_NANOS = 50_000;
    /** Isolated requests: one at a time, this long apart once the previous one is back, so the engine parks. */
    private static final long ISOLATED_GAP_NANOS = 100_000;
    /** Isolated requests: how long the host waits (untimed) between looks for the one outstanding. */
    private static final long ISOLATED_POLL_NANOS = 5_000;
    static final int ISOLATED_WARMUP_REQUESTS = 1_000;
    static final int ISOLATED_REQUESTS = 2_000;
    /** A trial's host thread gives up after this long (a stuck wire, a starved engine). */
    private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private Calibration() {
    }

    /**
     * @param placement where host and device threads run (cross-CPU figures need two CPUs)
     * @param suite     the cipher suite whose per-packet and per-byte cost is fitted
     * @return the figures, ready to be written as JSON
     */
    public static Map<String, Object> measure(Placement placement, CipherSuite suite) throws Exception {
        CpuSet host = placement.hostCpu(0);
        CpuSet device = placement.device() == null ? null : CpuSet.of(placement.device().first());
        if (host != null) {
            CurrentThread.pin(host);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", "median of " + TRIALS + " trials; handoffs are ping-pong half round trips; stages are "
                + "timed one at a time over batches of " + STAGE_BATCH + " real ESP packets taken untimed through the "
                + "stages before (ESP without the cipher: ESP less the cipher alone, per trial)");
        out.put("placement", placement.describe());
        Map<String, Object> prim = new LinkedHashMap<>();
        prim.put("wakeupSameCpu", pingPong(host, host, IdleStrategies.PARK));
        if (device != null && host != null && !device.equals(host)) {
            prim.put("wakeupCrossCpu", pingPong(host, device, IdleStrategies.PARK));
            prim.put("spinHandoffCrossCpu", pingPong(host, device, IdleStrategies.SPIN));
            prim.put("wakeupOfBusyCpu", wakeupOfBusyCpu(host, device));
        }
        prim.put("virtualThreadParkUnpark", virtualPingPong());
        prim.put("softintScheduleCoalescedNanos", softintCoalesced());
        prim.put("softintRoundTrip", softintRoundTrip(host));
        prim.put("continuationImmediateNanos", continuationImmediate(host));
        prim.put("poolAcquireReleaseNanos", poolCycle());
        out.put("primitives", prim);
        out.put("stages", stages(suite, 64));
        List<Map<String, Object>> points = new ArrayList<>();
        double[] xs = {64, 512, 1400};
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            Map<String, Object> s = stages(suite, (int) xs[i]);
            ys[i] = (double) s.get("cryptoNanos");
            Map<String, Object> pt = new LinkedHashMap<>();
            pt.put("payloadBytes", (int) xs[i]);
            pt.put("cryptoNanos", ys[i]);
            points.add(pt);
        }
        double[] fit = fit(xs, ys);
        Map<String, Object> crypto = new LinkedHashMap<>();
        crypto.put("suite", suite.label());
        crypto.put("perPacketNanos", fit[0]);
        crypto.put("perByteNanos", fit[1]);
        crypto.put("points", points);
        out.put("crypto", crypto);
        if (inPlacePossible(placement)) {
            TrafficSet traffic = TrafficSet.build(Workload.defaults().withSuite(suite));
            out.put("inPlace", inPlace(placement, traffic, PATH_WARMUP_FRAMES, PATH_FRAMES, OFFLOAD_WARMUP_REQUESTS,
                    OFFLOAD_REQUESTS));
        }
        return out;
    }

    // ---- in place -----------------------------------------------------------------------------------

    /**
     * One in-place trial (see the class note).
     *
     * @param hostNanos   the host thread's CPU per frame or request, the clock readings' own cost taken off
     * @param engineNanos the engine threads' CPU per request (NaN for the path, which has no engine)
     * @param wallNanos   elapsed time per request over the measured window (NaN for the path)
     * @param count       frames or requests measured (after the warm-up)
     * @param pool        the trial's packet pool: every buffer is back in it after a clean trial
     * @param threads     every thread the trial started (host, wire or engine and watchdog): all ended
     * @param problem     why the figures cannot be used (a failure, a give-up, too many drops), or null
     * @param refused     submits the full ring refused per packet delivered (NaN but for the refusing card trial)
     * @param wire        what the wire did over the whole trial (the path and receive trials), or null
     */
    record Trial(double hostNanos, double engineNanos, double wallNanos, long count, PacketPool pool, List<Thread> threads,
                 String problem, double refused, WireWork wire) {

        Trial(double hostNanos, double engineNanos, double wallNanos, long count, PacketPool pool, List<Thread> threads,
              String problem) {
            this(hostNanos, engineNanos, wallNanos, count, pool, threads, problem, Double.NaN, null);
        }

        /** @throws IllegalStateException when the trial failed, leaked a buffer or left a thread running */
        Trial verified() {
            if (problem != null) {
                throw new IllegalStateException("in-place calibration: " + problem);
            }
            requireClean();
            if (!usable()) {
                throw new IllegalStateException("in-place calibration: host figure " + hostNanos + ", engine figure "
                        + engineNanos);
            }
            return this;
        }

        /** @throws IllegalStateException when the trial leaked a packet buffer or left a thread running */
        void requireClean() {
            if (pool.outstanding() != 0) {
                throw new IllegalStateException("in-place calibration leaked " + pool.outstanding()
                        + " packet buffers of " + pool.capacity());
            }
            for (Thread t : threads) {
                if (t.isAlive()) {
                    throw new IllegalStateException("in-place calibration left thread '" + t.getName() + "' running");
                }
            }
        }

        /** @return true when the figures can be used: no problem, positive and finite (the engine's too, if any) */
        boolean usable() {
            return problem == null && hostNanos > 0 && !Double.isInfinite(hostNanos)
                    && (Double.isNaN(engineNanos) || (engineNanos > 0 && !Double.isInfinite(engineNanos)));
        }
    }

    /**
     * The synthetic wire's work over one trial, start to end: its thread's CPU, the frames it placed on
     * the ring and those it found no descriptor for. Flat out, it spends its CPU on these two only.
     */
    record WireWork(double cpuNanos, long placed, long refused) {
    }

    /**
     * The wire's time per frame placed and per frame refused (ring full), {@code {placed, refused}}: the
     * least-squares fit of {@code cpu = placed * a + refused * b} over {@code trials}' wire work (the
     * path's trials refuse most frames, the receive's place most). The simulation offers a run at the
     * maximum rate frames the first figure apart: the runtime's wire can place no faster. Empty when
     * fewer than two trials have wire work, their mixes are too alike to tell the two apart, or the fit
     * is not positive, or it makes a frame placed cheaper than one refused (the wire writes the one and
     * only looks at the full ring for the other: a short check's few trials can fit that way by noise).
     */
    static double[] wireNanos(List<Trial> trials) {
        double pp = 0;
        double pr = 0;
        double rr = 0;
        double pc = 0;
        double rc = 0;
        int n = 0;
        for (Trial t : trials) {
            WireWork w = t.wire();
            if (w == null || !(w.cpuNanos() > 0)) {
                continue;
            }
            n++;
            pp += (double) w.placed() * w.placed();
            pr += (double) w.placed() * w.refused();
            rr += (double) w.refused() * w.refused();
            pc += w.placed() * w.cpuNanos();
            rc += w.refused() * w.cpuNanos();
        }
        double det = pp * rr - pr * pr;
        // alike mixes: the two columns nearly parallel (the sine of their angle below about 0.1)
        if (n < 2 || !(det > 0.01 * pp * rr)) {
            return new double[0];
        }
        double placed = (pc * rr - rc * pr) / det;
        double refused = (rc * pp - pc * pr) / det;
        return placed > refused && refused > 0 && Double.isFinite(placed) && Double.isFinite(refused)
                ? new double[] {placed, refused} : new double[0];
    }

    /** Puts the wire's figures ({@link #wireNanos}) under {@code wireFrameNanos} and {@code wireRefusalNanos}, if any. */
    private static void putWire(Map<String, Object> m, List<Trial> trials) {
        double[] w = wireNanos(trials);
        if (w.length == 2) {
            m.put("wireFrameNanos", w[0]);
            m.put("wireRefusalNanos", w[1]);
        }
    }

    /**
     * The {@code inPlace} figures: the median of {@value #TRIALS} {@link #pathTrial}s and of as many
     * {@link #cardTrial}s, {@link #refusingCardTrial}s and {@link #offloadTrial}s, 64-byte payloads of
     * {@code traffic}.
     */
    static Map<String, Object> inPlace(Placement placement, TrafficSet traffic, int warmupFrames, int frames,
                                       int warmupRequests, int requests) throws InterruptedException {
        // A trial the machine disturbed (frames kept on the ring for many milliseconds, so that the wire's
        // re-armed windows meet them as replays; requests timed out) is rejected and run again, a few times.
        List<String> rejected = new ArrayList<>();
        // The receive and the path read frames written on the other CPU, so they cost what the CPUs'
        // distance costs at that moment (CpuDistance); it is taken around each of their trials.
        // On a virtual machine that distance moves between levels (55 and 450 ns here): the figures are
        // taken from the trials at one level only, the most common one, so that the profile describes one
        // machine; the runs validate measures are taken at that level too (ValidateCommand).
        Map<Trial, Double> level = new IdentityHashMap<>();
        TrialRun pathAt = () -> apartAround(placement, level, () -> pathTrial(placement, traffic, warmupFrames, frames));
        TrialRun rxAt = () -> apartAround(placement, level, () -> rxTrial(placement, traffic, warmupFrames, frames));
        List<Trial> path = new ArrayList<>(usable("path", rejected, TRIALS, level, pathAt));
        List<Trial> rx = new ArrayList<>(usable("receive", rejected, TRIALS, level, rxAt));
        double reference = commonLevel(levels(path, level), levels(rx, level));
        // the level is looked at again after every extra trial: the CPUs may have settled at the other
        // one meanwhile, and the figures are to come from the level most trials met in the end
        for (int extra = 0; extra < TRIALS && !Double.isNaN(reference)
                && (atLevel(path, level, reference) < ONE_LEVEL_TRIALS || atLevel(rx, level, reference) < ONE_LEVEL_TRIALS);
             extra++, reference = commonLevel(levels(path, level), levels(rx, level))) {
            if (atLevel(path, level, reference) < ONE_LEVEL_TRIALS) {
                path.addAll(usable("path", rejected, 1, level, pathAt));
            }
            if (atLevel(rx, level, reference) < ONE_LEVEL_TRIALS) {
                rx.addAll(usable("receive", rejected, 1, level, rxAt));
            }
        }
        List<Trial> pathKept = keptAt(path, level, reference);
        List<Trial> rxKept = keptAt(rx, level, reference);
        List<Trial> beside = usable("offload beside the wire", rejected,
                () -> cardTrial(placement, traffic, warmupRequests, requests));
        List<Trial> refusing = usable("offload refusing", rejected,
                () -> refusingCardTrial(placement, traffic, warmupRequests, requests));
        List<Trial> alone = usable("offload", rejected, () -> offloadTrial(placement, traffic, warmupRequests, requests));
        List<Trial> isolated = usable("offload isolated", rejected, () -> isolatedOffloadTrial(placement, traffic,
                Math.min(warmupRequests, ISOLATED_WARMUP_REQUESTS), Math.min(requests, ISOLATED_REQUESTS)));
        long counted = path.getLast().count();
        long completed = alone.getLast().count();
        double[] host = figures(alone, Trial::hostNanos);
        double[] engine = figures(alone, Trial::engineNanos);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("payloadBytes", traffic.workload().sizes().max());
        m.put("pathNanos", median(figures(pathKept, Trial::hostNanos)));
        m.put("rxNanos", median(figures(rxKept, Trial::hostNanos)));
        if (!Double.isNaN(reference)) {
            double[] kept = Stream.concat(pathKept.stream(), rxKept.stream())
                    .mapToDouble(level::get).filter(d -> !Double.isNaN(d)).toArray();
            double[] all = level.values().stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).toArray();
            m.put("cpuRoundTripNanos", median(kept));
            m.put("cpuRoundTripNanosMin", Arrays.stream(all).min().orElse(Double.NaN));
            m.put("cpuRoundTripNanosMax", Arrays.stream(all).max().orElse(Double.NaN));
            m.put("trialsAtThatDistance", kept.length);
            m.put("trialsElsewhere", path.size() + rx.size() - kept.length);
        }
        putWire(m, Stream.concat(pathKept.stream(), rxKept.stream()).toList());
        m.put("frames", counted);
        m.put("offloadHostNanosPerRequest", median(host));
        m.put("offloadEngineNanosPerRequest", median(engine));
        m.put("requests", completed);
        putCard(m, beside, refusing);
        m.put("offloadIsolatedEngineNanosPerRequest", median(figures(isolated, Trial::engineNanos)));
        OffloadConfig card = inPlaceSpec(placement, traffic.workload(), CryptoDrivers.OFFLOAD).offload();
        m.put("offloadLatencyNanos", card.requestLatencyNanos());
        m.put("offloadCoalesceNanos", card.coalesceNanos());
        m.put("offloadIdlePollNanos", idlePollNanos(placement, card.engineIdleSpins()));
        m.put("note", "pathNanos: host thread CPU (its thread CPU clock, read around each batch of up to 64 frames "
                + "taken off the NIC ring) per frame, the synthetic wire filling the ring at max rate from the device "
                + "CPU and one host thread running link, IP, ESP with the software driver inline, inner IP/UDP and "
                + "socket delivery, then taking the packet off the socket and releasing it (batches in which a frame "
                + "was dropped left out); rxNanos: the same, each frame through the link stage only and released; "
                + "cpuRoundTripNanos: the device and host CPUs' distance, a cache line's round trip, taken before and "
                + "after each path and receive trial, what each frame read there paid; the two figures come from the "
                + "trials at the level most trials met only (cpuRoundTripNanos: their median; min and max: of all the "
                + "trials; trialsAtThatDistance, trialsElsewhere), up to " + TRIALS + " more trials run to have "
                + ONE_LEVEL_TRIALS + " of each there; wireFrameNanos and wireRefusalNanos: the synthetic wire's "
                + "thread CPU per frame it placed on the ring and per frame it found the ring full for, the "
                + "least-squares fit of its CPU over whole path and receive trials at that level (the path's refuse "
                + "most frames, the receive's place most); "
                + "offload: the run "
                + "command's default offload driver, its engine on the device CPU and its interrupt line doing "
                + "nothing, one host thread keeping 768-896 requests outstanding, host CPU around its submit and "
                + "drainCompletions calls only (packet preparation and waits left out) per request, engine thread "
                + "CPU (its thread CPU clock) per request over the same window; beside the wire: the card in place, "
                + "the wire at max rate on the engine's CPU, one host thread taking its frames off the ring while fewer "
                + "than 896 are with the card, running them through the receive path with the offload driver, draining "
                + "the completions itself (the rest of the path inline) and releasing the packets off the socket; "
                + "elapsed time, engine CPU and host CPU (passes that took frames or completions) per packet delivered; "
                + "refusing: the same, but the host takes every frame and the submits the full ring refuses are dropped, "
                + "as in a run at max rate; elapsed time, engine CPU and host CPU per packet delivered, and the submits "
                + "refused per packet delivered; offloadRefusalHostNanos: what a refused frame costs the host, each "
                + "refusing trial's host CPU per packet delivered less the median beside the wire, over its refusals per "
                + "packet delivered (trials with fewer than " + MIN_REFUSED_PER_PACKET + " left out); isolated: the offload "
                + "driver alone, one request outstanding, the next " + ISOLATED_GAP_NANOS / 1000 + " us after the "
                + "previous one is back (the engine parks between them), engine CPU per request; "
                + "offloadIdlePollNanos: an idle engine's polls of its empty submission ring before it parks, timed "
                + "on the device CPU; "
                + "medians of " + TRIALS + " trials after "
                + "a warm-up, clock-read costs taken off."
                + (rejected.isEmpty() ? "" : " Trials rejected and run again: " + rejected));
        return m;
    }

    /** One in-place trial, run again when rejected. */
    @FunctionalInterface
    private interface TrialRun {
        Trial run() throws InterruptedException;
    }

    /** Trials of the path and of the receive each at the chosen distance: at least this many, when the CPUs allow. */
    static final int ONE_LEVEL_TRIALS = 3;

    /**
     * A short look at the in-place path and receive for a run about to be measured (validate): the
     * medians of {@value #CHECK_TRIALS} {@link #pathTrial}s and {@link #rxTrial}s of {@code traffic}'s
     * frames, as {@code calibrate}'s {@code inPlace} times them, with the CPUs' distance before and
     * after. On this virtual machine the in-place path has come out at 611 to 1,315 ns with the CPUs
     * near and 1,043 to 1,643 far within a day, so the calibration's figures may describe another
     * machine than the run meets. The card moves
     * with it (its refusing trial came out at 2,008 ns per request one day and 2,780 on another), so
     * one {@link #cardTrial} and one {@link #refusingCardTrial} follow, shorter than calibrate's.
     *
     * @return {@code payloadBytes}, {@code pathNanos}, {@code rxNanos}, {@code cpuRoundTripNanosBefore}
     *         and {@code ...After} (a distance left out when it could not be taken), the wire's
     *         {@code wireFrameNanos} and {@code wireRefusalNanos} from the two trials ({@link #wireNanos}:
     *         left out when they do not tell them apart), and the card's
     *         figures under calibrate's {@code inPlace} keys (below the limit: {@code offloadBesideWire...};
     *         refusing: {@code offloadRefusing...}, {@code offloadRefusedPerRequest} and, when it met
     *         enough refusals, {@code offloadRefusalHostNanos}); empty where {@code calibrate} takes no
     *         in-place figures (one CPU, no thread CPU clock)
     * @throws IllegalStateException when the machine disturbed too many trials in a row
     */
    public static Map<String, Object> inPlaceCheck(Placement placement, TrafficSet traffic) throws InterruptedException {
        if (!inPlacePossible(placement)) {
            return Map.of();
        }
        List<String> rejected = new ArrayList<>();
        double before = CpuDistance.between(placement);
        List<Trial> path = usable("path", rejected, CHECK_TRIALS, null,
                () -> pathTrial(placement, traffic, PATH_WARMUP_FRAMES, PATH_FRAMES));
        List<Trial> rx = usable("receive", rejected, CHECK_TRIALS, null,
                () -> rxTrial(placement, traffic, PATH_WARMUP_FRAMES, PATH_FRAMES));
        double after = CpuDistance.between(placement);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("payloadBytes", traffic.workload().sizes().max());
        m.put("pathNanos", median(figures(path, Trial::hostNanos)));
        m.put("rxNanos", median(figures(rx, Trial::hostNanos)));
        if (!Double.isNaN(before)) {
            m.put("cpuRoundTripNanosBefore", before);
        }
        if (!Double.isNaN(after)) {
            m.put("cpuRoundTripNanosAfter", after);
        }
        List<Trial> both = new ArrayList<>(path);
        both.addAll(rx);
        putWire(m, both);
        Trial beside = usable("offload beside the wire", rejected, 1, null,
                () -> cardTrial(placement, traffic, CHECK_WARMUP_REQUESTS, CHECK_REQUESTS)).getFirst();
        Trial refusing = usable("offload refusing", rejected, 1, null,
                () -> refusingCardTrial(placement, traffic, CHECK_WARMUP_REQUESTS, CHECK_REQUESTS)).getFirst();
        putCard(m, List.of(beside), List.of(refusing));
        return m;
    }

    /**
     * Puts the card's in-place figures under their keys: medians of the {@link #cardTrial}s below the
     * limit ({@code offloadBesideWire...}) and of the {@link #refusingCardTrial}s
     * ({@code offloadRefusing...}, {@code offloadRefusedPerRequest}), and, when a refusing trial met
     * enough refusals, {@code offloadRefusalHostNanos} ({@link #refusalNanos}).
     */
    private static void putCard(Map<String, Object> m, List<Trial> beside, List<Trial> refusing) {
        double besideHost = median(figures(beside, Trial::hostNanos));
        m.put("offloadBesideWireNanosPerRequest", median(figures(beside, Trial::wallNanos)));
        m.put("offloadBesideWireEngineNanosPerRequest", median(figures(beside, Trial::engineNanos)));
        m.put("offloadBesideWireHostNanosPerRequest", besideHost);
        m.put("offloadRefusingNanosPerRequest", median(figures(refusing, Trial::wallNanos)));
        m.put("offloadRefusingEngineNanosPerRequest", median(figures(refusing, Trial::engineNanos)));
        m.put("offloadRefusingHostNanosPerRequest", median(figures(refusing, Trial::hostNanos)));
        m.put("offloadRefusedPerRequest", median(figures(refusing, Trial::refused)));
        double[] refusal = refusalNanos(refusing, besideHost);
        if (refusal.length > 0) {
            m.put("offloadRefusalHostNanos", median(refusal));
        }
    }

    /**
     * The run's path and receive trials, each figure their median: in the checks of two validations on
     * 2026-12-07 one path trial in six came out at 1,092 to 1,577 ns where the others at the same CPU
     * distance took 601 to 754, with the receive timed right after it as fast as ever, so a single
     * trial let a moment's slowness stand for the run's machine (push near saturation in the README's
     * set 32: predicted at 282k delivered against 453k measured).
     */
    static final int CHECK_TRIALS = 3;

    /** The run's card check: packets delivered before the measured ones, and measured (a fifth of calibrate's). */
    static final int CHECK_WARMUP_REQUESTS = OFFLOAD_WARMUP_REQUESTS / 5;
    static final int CHECK_REQUESTS = OFFLOAD_REQUESTS / 5;

    /** @return whether in-place figures can be taken: a device CPU apart from the host's, and a thread CPU clock */
    private static boolean inPlacePossible(Placement placement) {
        CpuSet host = placement.hostCpu(0);
        CpuSet device = placement.device() == null ? null : CpuSet.of(placement.device().first());
        return device != null && host != null && !device.equals(host) && threadCpuClock() != null;
    }

    /**
     * Runs {@code trial} between two measures of the host and device CPUs' distance; notes in
     * {@code level} the trial's distance (their mean), or NaN when the CPUs moved during it (the two
     * not at one level) or are not two.
     */
    private static Trial apartAround(Placement placement, Map<Trial, Double> level, TrialRun trial)
            throws InterruptedException {
        double before = CpuDistance.between(placement);
        Trial t = trial.run();
        double after = CpuDistance.between(placement);
        level.put(t, CpuDistance.sameLevel(before, after) ? (before + after) / 2 : Double.NaN);
        return t;
    }

    /** @return the level most trials met: the distance with the most others at its level (NaN if none) */
    static double oneLevel(java.util.Collection<Double> levels) {
        double best = Double.NaN;
        int most = 0;
        for (double d : levels) {
            int n = (int) levels.stream().filter(e -> CpuDistance.sameLevel(d, e)).count();
            if (n > most) {
                most = n;
                best = d;
            }
        }
        return best;
    }

    /**
     * @return the level the most trials met among those that both kinds of trial met (the path's and the
     *         receive's figures are to come from one machine), or, when no level is common to both, the
     *         level most trials met; NaN if no trial has a level
     */
    static double commonLevel(List<Double> path, List<Double> rx) {
        double best = Double.NaN;
        int most = 0;
        for (double d : Stream.concat(path.stream(), rx.stream()).toList()) {
            long p = path.stream().filter(e -> CpuDistance.sameLevel(d, e)).count();
            long r = rx.stream().filter(e -> CpuDistance.sameLevel(d, e)).count();
            if (p > 0 && r > 0 && p + r > most) {
                most = (int) (p + r);
                best = d;
            }
        }
        return Double.isNaN(best) ? oneLevel(Stream.concat(path.stream(), rx.stream()).toList()) : best;
    }

    private static List<Double> levels(List<Trial> trials, Map<Trial, Double> level) {
        return trials.stream().map(t -> level.getOrDefault(t, Double.NaN)).toList();
    }

    private static int atLevel(List<Trial> trials, Map<Trial, Double> level, double reference) {
        return atLevelOnly(trials, level, reference).size();
    }

    /** @return the trials at {@code reference}'s level, or all of them when none is (or no level was taken) */
    private static List<Trial> keptAt(List<Trial> trials, Map<Trial, Double> level, double reference) {
        List<Trial> kept = atLevelOnly(trials, level, reference);
        return kept.isEmpty() ? trials : kept;
    }

    private static List<Trial> atLevelOnly(List<Trial> trials, Map<Trial, Double> level, double reference) {
        return trials.stream().filter(t -> CpuDistance.sameLevel(level.getOrDefault(t, Double.NaN), reference)).toList();
    }

    /**
     * @return the figures of {@value #TRIALS} usable trials of {@code trial} (no pool, no threads);
     *         every trial must clean up, and the rejected ones are listed in {@code rejected} under
     *         {@code name}
     * @throws IllegalStateException when too many are rejected
     */
    private static List<Trial> usable(String name, List<String> rejected, TrialRun trial) throws InterruptedException {
        return usable(name, rejected, TRIALS, null, trial);
    }

    /** @param level where a trial's CPU distance is noted ({@link #apartAround}), moved to the kept copy; or null */
    private static List<Trial> usable(String name, List<String> rejected, int count, Map<Trial, Double> level,
                                      TrialRun trial) throws InterruptedException {
        List<Trial> out = new ArrayList<>(count);
        for (int attempts = 0; out.size() < count; attempts++) {
            Trial t = trial.run();
            t.requireClean();
            Double lv = level == null ? null : level.remove(t);
            if (t.usable()) {
                // kept as figures only: the pool (and its buffers) and the ended threads are let go
                Trial kept = new Trial(t.hostNanos(), t.engineNanos(), t.wallNanos(), t.count(), null, List.of(), null,
                        t.refused(), t.wire());
                if (lv != null) {
                    level.put(kept, lv);
                }
                out.add(kept);
            } else {
                rejected.add(name + ": " + t.problem());
                requireAttempts(attempts, rejected);
            }
        }
        return out;
    }

    /**
     * What the host spends on a frame whose submit the full ring refuses, from each refusing card trial
     * against the trials below the limit: the host's extra CPU per packet delivered over the refusals
     * per packet delivered. A trial that met almost no refusals says nothing about them and is left out.
     *
     * @param besideHost the host's CPU per packet delivered below the limit (no refusals)
     */
    static double[] refusalNanos(List<Trial> refusing, double besideHost) {
        return refusing.stream().filter(t -> t.refused() >= MIN_REFUSED_PER_PACKET)
                .mapToDouble(t -> (t.hostNanos() - besideHost) / t.refused()).toArray();
    }

    /** Refusals per packet delivered below which a refusing trial does not time them (its difference is noise). */
    static final double MIN_REFUSED_PER_PACKET = 0.1;

    private static double[] figures(List<Trial> trials, java.util.function.ToDoubleFunction<Trial> figure) {
        return trials.stream().mapToDouble(figure).toArray();
    }

    /** @throws IllegalStateException when a measurement has used up its attempts (twice its trials) */
    private static void requireAttempts(int attempts, List<String> rejected) {
        if (attempts + 1 >= 2 * TRIALS) {
            throw new IllegalStateException("in-place calibration: too many trials rejected: " + rejected);
        }
    }

    /**
     * The run command's defaults (cli.RunOptions) for a synthetic puller run at saturation on {@code w}
     * with {@code crypto}: one ring of 1024 with an interrupt per packet, budget 64, queues and socket
     * 4096, replay window 1024, and the emulated card as the run command sets it up (1 engine, rings
     * 1024, 5 us per request, no speed cap, an interrupt per 8 completions or 10 us).
     */
    static RunSpec inPlaceSpec(Placement placement, Workload w, CryptoDrivers crypto) {
        OffloadConfig offload = OffloadConfig.defaults().withEngines(1).withRings(1024, 1024)
                .withRequestLatencyNanos(5_000).withEngineBytesPerSecond(0).withCoalescing(8, 10_000);
        return new RunSpec(DispatchModels.PULLER, crypto, offload, new AutoConfig(1024, 1024 * 3 / 4), w,
                RunSpec.MAX_RATE, ArrivalProcess.CONSTANT, Duration.ofSeconds(1), Duration.ofSeconds(3), 1, 1024,
                Coalescing.of(1, 0), BUDGET, IdleStrategies.PARK, 4096, 4096, 256, 1024, false, placement, 0);
    }

    /**
     * What an in-place trial is built from, as a run of {@link #inPlaceSpec} builds it: the thread CPU
     * clock, the spec, device threads on the device CPU and host threads on the host CPU, and the run's
     * crypto driver.
     */
    private record Rig(ThreadMXBean mx, Clock clock, RunSpec spec, ThreadRegistry registry,
                       ThreadFactory deviceThreads, ThreadFactory hostThreads, CryptoDriver driver) {

        static Rig of(Placement placement, TrafficSet traffic, CryptoDrivers crypto) {
            ThreadMXBean mx = threadCpuClock();
            if (mx == null) {
                throw new UnsupportedOperationException("this JVM has no per-thread CPU clock");
            }
            RunSpec spec = inPlaceSpec(placement, traffic.workload(), crypto);
            ThreadRegistry registry = new ThreadRegistry();
            ThreadFactory deviceThreads = registry.threadFactory(ThreadRole.DEVICE, "dev", placement.device());
            ThreadFactory hostThreads = registry.threadFactory(ThreadRole.HOST, "host0", placement.hostCpu(0));
            return new Rig(mx, Clock.SYSTEM, spec, registry, deviceThreads, hostThreads,
                    Runner.cryptoDriver(spec, deviceThreads, Clock.SYSTEM));
        }
    }

    /**
     * What the in-place path trials share, as a synthetic run builds it: the pool, the wire on the
     * device CPU into the NIC's ring, a bound user socket and the receive path to it, with the rig's
     * crypto driver and its continuations run inline by whoever drains the driver.
     */
    private record WirePath(PacketPool pool, WireFeed feed, UserSocket socket, ReceivePath path, RxRing ring) {

        static WirePath of(Rig rig, TrafficSet traffic) {
            RunSpec spec = rig.spec();
            PacketPool pool = Runner.packetPool(spec, traffic.workload());
            WireFeed feed = new WireFeed(spec, traffic, rig.driver(), pool, rig.clock(), rig.deviceThreads());
            SocketTable sockets = new SocketTable();
            UserSocket socket = new UserSocket(traffic.workload().port(), spec.socketCapacity());
            sockets.bind(socket);
            ReceivePath path = new ReceivePath(feed.sas(), new UdpDelivery(sockets, spec.verifyInnerChecksums()),
                    PacketSink.IKE_COUNTED, PathOptions.DEFAULT.withVerifyInnerChecksums(spec.verifyInnerChecksums()),
                    CompletionRouting.INLINE);
            return new WirePath(pool, feed, socket, path, feed.nic().ring(0));
        }

        /**
         * Runs {@code host} beside the wire: starts both, waits up to {@code wait} for the host, then tells
         * it to give up and joins it, stops the wire, closes the driver (an engine completes what it holds,
         * onto the socket) and gives back what is left on the ring and the socket. A host that did not end
         * or a wire that failed is named in {@code problem}.
         */
        void run(Thread host, Duration wait, AtomicBoolean giveUp,
                 AtomicReference<String> problem, CryptoDriver driver, Clock clock) throws InterruptedException {
            StageContext shutdown = new StageContext("calibrate-shutdown", clock);
            System.gc(); // as a run does: the pool and the frames move to the old generation first
            try {
                feed.start();
                host.start();
                if (!host.join(wait)) {
                    problem.compareAndSet(null, "the host thread did not end");
                }
            } finally {
                giveUp.set(true);
                host.join(JOIN_TIMEOUT);
                feed.stopGenerating();
                feed.discard(shutdown); // what the wire left on the ring
                driver.close(); // joins an engine and its watchdog; whatever is left completes here, and is released
                socket.discard(shutdown, DropReason.SHUTDOWN);
                feed.close();
                shutdown.close();
            }
            if (feed.failure() != null) {
                problem.compareAndSet(null, "the wire failed: " + feed.failure());
            }
        }
    }

    /**
     * The software receive path in place: the wire on the device CPU feeds the NIC's ring at max rate,
     * one host thread on the host CPU polls it in batches and runs every stage to the socket (see the
     * class note). Stops and joins the wire and the host thread and releases every buffer before it returns.
     *
     * <p>Measured frames go the whole way: batches in which the path dropped a frame are left out. When
     * the host is slow (a cold JIT, a disturbed CPU), frames wait on the ring for milliseconds while the
     * wire, finding it full, offers tens of millions of frames a second and comes round its pre-built
     * set (262,144 frames per SPI at the run command's sizes), re-arming windows that waiting frames of
     * the previous round then move on: frames of the next round meet them as replays, dropped after a
     * fraction of the path.
     *
     * @param warmup frames taken before the measured ones
     * @param frames frames measured
     */
    static Trial pathTrial(Placement placement, TrafficSet traffic, int warmup, int frames) throws InterruptedException {
        return pathTrial(placement, traffic, warmup, frames, false);
    }

    /**
     * The receive alone in place: as {@link #pathTrial}, but each frame taken off the ring goes through
     * the link stage only and is then released. What the ring, the buffer and the frame's first cache
     * line cost the thread that takes it, as a run's receiving context pays them when a later stage runs
     * elsewhere.
     */
    static Trial rxTrial(Placement placement, TrafficSet traffic, int warmup, int frames) throws InterruptedException {
        return pathTrial(placement, traffic, warmup, frames, true);
    }

    private static Trial pathTrial(Placement placement, TrafficSet traffic, int warmup, int frames, boolean rxOnly)
            throws InterruptedException {
        Rig rig = Rig.of(placement, traffic, CryptoDrivers.SOFTWARE);
        ThreadMXBean mx = rig.mx();
        Clock clock = rig.clock();
        ThreadRegistry registry = rig.registry();
        ThreadFactory hostThreads = rig.hostThreads();
        CryptoDriver driver = rig.driver();
        WirePath wp = WirePath.of(rig, traffic);
        // [0] CPU ns in measured batches, [1] frames in them, [2] batches, [3] one clock reading's cost
        long[] r = new long[4];
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicBoolean giveUp = new AtomicBoolean();
        Thread host = hostThreads.newThread(() -> {
            try (StageContext ctx = new StageContext("calibrate-path", clock)) {
                ctx.batchWakeups(true);
                wp.ring().mask(); // polled throughout, as a puller under load keeps its interrupt masked
                r[3] = cpuClockCost(mx);
                long deadline = System.nanoTime() + TRIAL_TIMEOUT.toNanos();
                long taken = 0;
                long drops = 0;
                while (r[1] < frames) {
                    if (giveUp.get() || System.nanoTime() > deadline) {
                        problem.compareAndSet(null, "after " + taken + " frames taken, " + r[1] + " of " + frames
                                + " measured");
                        break;
                    }
                    long c0 = mx.getCurrentThreadCpuTime();
                    int n = 0;
                    PacketBuffer p;
                    while (n < BUDGET && (p = wp.ring().poll()) != null) {
                        if (!rxOnly) {
                            wp.path().input(ctx, p);
                        } else if (wp.path().linkInput(ctx, p)) {
                            p.release(); // the receive's work ends here: the rest of the path is not timed
                        }
                        n++;
                    }
                    PacketBuffer q;
                    while ((q = wp.socket().poll()) != null) {
                        q.release(); // the user's part (its checks, its copy) is stages.userNanos
                    }
                    ctx.endOfPass();
                    long c1 = mx.getCurrentThreadCpuTime();
                    if (n == 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    long d = ctx.counters().totalDrops();
                    boolean clean = d == drops;
                    drops = d;
                    if (taken >= warmup) {
                        if (clean) { // a batch with a drop (replays, see above) is left out
                            r[0] += c1 - c0;
                            r[1] += n;
                            r[2]++;
                        }
                    }
                    taken += n;
                }
                wp.path().flushReassembly(ctx);
            } catch (Throwable t) {
                problem.compareAndSet(null, "the host thread failed: " + t);
            }
        });
        host.setName("calibrate-path");
        wp.run(host, TRIAL_TIMEOUT.plus(JOIN_TIMEOUT), giveUp, problem, driver, clock);
        double nanos = r[1] == 0 ? Double.NaN : (r[0] - r[2] * r[3]) / (double) r[1];
        return new Trial(nanos, Double.NaN, Double.NaN, r[1], wp.pool(), threadsOf(registry, host), problem.get(),
                Double.NaN, wireWork(registry, clock, wp.feed()));
    }

    /**
     * The emulated crypto card in place: a real offload driver with the run command's settings, its
     * engine on the device CPU, fed and drained by one host thread on the host CPU (see the class
     * note). Closes the driver, joins its threads and the host thread and releases every buffer
     * before it returns.
     *
     * @param warmup   requests completed before the measured ones
     * @param requests requests measured
     */
    static Trial offloadTrial(Placement placement, TrafficSet traffic, int warmup, int requests)
            throws InterruptedException {
        return offloadTrial(placement, traffic, warmup, requests, OFFLOAD_HIGH, 0);
    }

    /**
     * The emulated card's engine woken for each request on its own: one request outstanding at a time,
     * the next submitted {@value #ISOLATED_GAP_NANOS} ns after the previous one is back, when the
     * engine has parked. Its CPU per request is then all it spends per wakeup: waking, the request,
     * waiting out the request's latency and the coalescing delay, its idle polls and parking.
     */
    static Trial isolatedOffloadTrial(Placement placement, TrafficSet traffic, int warmup, int requests)
            throws InterruptedException {
        return offloadTrial(placement, traffic, warmup, requests, 1, ISOLATED_GAP_NANOS);
    }

    /**
     * @param high most requests outstanding
     * @param gap  0, or how long to wait (untimed) after the outstanding requests are all back
     */
    private static Trial offloadTrial(Placement placement, TrafficSet traffic, int warmup, int requests, int high,
                                      long gap) throws InterruptedException {
        Rig rig = Rig.of(placement, traffic, CryptoDrivers.OFFLOAD);
        ThreadMXBean mx = rig.mx();
        Clock clock = rig.clock();
        RunSpec spec = rig.spec();
        ThreadRegistry registry = rig.registry();
        ThreadFactory deviceThreads = rig.deviceThreads();
        ThreadFactory hostThreads = rig.hostThreads();
        CryptoDriver driver = rig.driver();
        // The host drains by itself; the engine's coalesced interrupt raises a line connected to nothing
        // (with no line at all the engine would run the completions itself).
        driver.connectInterrupt(InterruptLine.NONE);
        PacketPool pool = Runner.packetPool(spec, traffic.workload());
        TrafficSet.Receiver rx = traffic.receiver(driver, spec.replayWindow());
        TrafficSet.Source source = rx.source();
        boolean shared = placement.shared();
        // [0] completed, [1] completed with another status than OK (both written by continuations)
        long[] done = new long[2];
        Map<CryptoStatus, Long> failed = new java.util.EnumMap<>(CryptoStatus.class);
        CryptoCallback release = (req, ctx) -> {
            if (req.status() != CryptoStatus.OK) {
                done[1]++;
                failed.merge(req.status(), 1L, Long::sum);
            }
            req.packet().release();
            done[0]++;
        };
        // [0] CPU ns in measured calls, [1] requests measured, [2] timed stretches, [3] one clock reading's
        // cost, [4] engine CPU ns over the measured requests, [5] of which completed with another status than OK,
        // [6] elapsed ns over the measured requests
        long[] r = new long[7];
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicBoolean giveUp = new AtomicBoolean();
        Thread host = hostThreads.newThread(() -> {
            try (StageContext ctx = new StageContext("calibrate-offload", clock)) {
                r[3] = cpuClockCost(mx);
                CryptoRequest[] batch = new CryptoRequest[BUDGET];
                long deadline = System.nanoTime() + TRIAL_TIMEOUT.toNanos();
                long submitted = 0;
                long seq = 0;
                long from = -1;
                long engineFrom = 0;
                long wallFrom = 0;
                long failedFrom = 0;
                long failures = 0;
                long lastFailureAt = 0;
                while (true) {
                    if (done[1] != failures) {
                        failures = done[1];
                        lastFailureAt = done[0];
                    }
                    if (from < 0 && done[0] >= warmup && done[0] - lastFailureAt >= warmup / 2) {
                        from = done[0];
                        failedFrom = done[1];
                        engineFrom = engineCpu(registry, mx);
                        wallFrom = System.nanoTime();
                    }
                    if (from >= 0 && done[0] - from >= requests) {
                        r[4] = engineCpu(registry, mx) - engineFrom;
                        r[6] = System.nanoTime() - wallFrom;
                        r[1] = done[0] - from;
                        r[5] = done[1] - failedFrom;
                        break;
                    }
                    if (giveUp.get() || System.nanoTime() > deadline) {
                        problem.compareAndSet(null, "only " + done[0] + " of " + ((long) warmup + requests)
                                + " requests completed");
                        break;
                    }
                    if (submitted - done[0] >= high) {
                        // the engine works through ~50 us of requests, or the one outstanding comes back
                        waitUntracked(gap > 0 ? ISOLATED_POLL_NANOS : OFFLOAD_PASS_NANOS, shared);
                    }
                    boolean measuring = from >= 0;
                    long c0 = mx.getCurrentThreadCpuTime();
                    int drained = 0;
                    int k;
                    while ((k = driver.drainCompletions(ctx, BUDGET)) > 0) {
                        drained += k;
                    }
                    long c1 = mx.getCurrentThreadCpuTime();
                    if (measuring && drained > 0) {
                        r[0] += c1 - c0;
                        r[2]++;
                    }
                    long outstanding = submitted - done[0];
                    if (gap > 0 && outstanding == 0 && submitted > 0) {
                        waitUntracked(gap, shared); // the engine polls idle, then parks
                    }
                    while (outstanding < high) {
                        int n = (int) Math.min(BUDGET, high - outstanding);
                        for (int i = 0; i < n; i++) {
                            batch[i] = prepare(source, seq++, pool, rx.sas()).then(release, CompletionTarget.INLINE);
                        }
                        c0 = mx.getCurrentThreadCpuTime();
                        for (int i = 0; i < n; i++) {
                            batch[i].session().submit(batch[i], ctx); // one submit per request, as esp_input does
                        }
                        c1 = mx.getCurrentThreadCpuTime();
                        if (measuring) {
                            r[0] += c1 - c0;
                            r[2]++;
                        }
                        submitted += n;
                        outstanding = submitted - done[0];
                    }
                }
                // untimed: let the engine finish what is outstanding, and take it back
                while (submitted - done[0] > 0 && System.nanoTime() < deadline + JOIN_TIMEOUT.toNanos()) {
                    if (driver.drainCompletions(ctx, BUDGET) == 0) {
                        waitUntracked(OFFLOAD_PASS_NANOS, shared);
                    }
                }
            } catch (Throwable t) {
                problem.compareAndSet(null, "the host thread failed: " + t);
            }
        });
        host.setName("calibrate-offload");
        StageContext shutdown = new StageContext("calibrate-shutdown", clock);
        System.gc(); // as a run does: the pool moves to the old generation first
        try {
            host.start();
            if (!host.join(TRIAL_TIMEOUT.plus(JOIN_TIMEOUT).plus(JOIN_TIMEOUT))) {
                problem.compareAndSet(null, "the host thread did not end");
            }
        } finally {
            giveUp.set(true);
            host.join(JOIN_TIMEOUT);
            driver.close(); // joins the engine and the watchdog; whatever is left completes here, and is released
            rx.close();
            shutdown.close();
        }
        // Early in a JVM the engine runs the cipher interpreted, and requests of the first warm-up time out
        // (50 ms): the warm-up lasts until half of it has passed without one. In the measured window they
        // would be completions that cost the engine nothing.
        if (r[5] > r[1] / 100) {
            problem.compareAndSet(null, r[5] + " of " + r[1] + " measured requests did not complete OK: " + failed);
        }
        double hostNanos = r[1] == 0 ? Double.NaN : (r[0] - r[2] * r[3]) / (double) r[1];
        double engineNanos = r[1] == 0 ? Double.NaN : r[4] / (double) r[1];
        double wallNanos = r[1] == 0 ? Double.NaN : r[6] / (double) r[1];
        return new Trial(hostNanos, engineNanos, wallNanos, r[1], pool, threadsOf(registry, host), problem.get());
    }

    /**
     * The emulated crypto card in place, as a run at the maximum rate has it: the wire flat out on the
     * device CPU into the NIC's ring, one host thread on the host CPU taking up to 64 frames at a time
     * off the ring and running each through the receive path with the run command's offload driver
     * (link, IP, ESP, the submit), draining the card's completions itself (the continuation runs inner
     * IP, UDP and the socket inline), then taking the packets off the socket and releasing them. The
     * card gets the wire's frames as a run gives them, cache state and all, and shares its CPU with the
     * wire as in a run at the maximum rate. The host takes frames only while fewer than
     * {@value #OFFLOAD_HIGH} are with the card, so no submit is refused and the card never idles.
     *
     * <p>Figures over the packets delivered after the warm-up: elapsed time per packet (the card's
     * speed there), the engine thread's CPU per packet, and the host thread's CPU per packet in the
     * passes that took frames or completions (waiting for the card left out, the clock readings' own
     * cost taken off): the whole path with the card, its data coming back decrypted from the device CPU.
     *
     * @param warmup   packets delivered before the measured ones
     * @param requests packets measured
     */
    static Trial cardTrial(Placement placement, TrafficSet traffic, int warmup, int requests) throws InterruptedException {
        return cardTrial(placement, traffic, warmup, requests, false);
    }

    /**
     * The card in place as a run at the maximum rate meets it when the host offers more than it takes:
     * as {@link #cardTrial(Placement, TrafficSet, int, int)}, but the host takes every frame on the ring
     * and submits it, and the submits the full ring refuses are dropped (crypto queue full), as the
     * run's stages drop them. Those refusals touch the ring the engine takes from, so the card is
     * slower here than below its limit; they are expected, not a disturbance, and do not reject the trial.
     */
    static Trial refusingCardTrial(Placement placement, TrafficSet traffic, int warmup, int requests)
            throws InterruptedException {
        return cardTrial(placement, traffic, warmup, requests, true);
    }

    private static Trial cardTrial(Placement placement, TrafficSet traffic, int warmup, int requests, boolean refuse)
            throws InterruptedException {
        Rig rig = Rig.of(placement, traffic, CryptoDrivers.OFFLOAD);
        ThreadMXBean mx = rig.mx();
        Clock clock = rig.clock();
        ThreadRegistry registry = rig.registry();
        CryptoDriver driver = rig.driver();
        // The host drains by itself; the engine's coalesced interrupt raises a line connected to nothing.
        driver.connectInterrupt(InterruptLine.NONE);
        WirePath wp = WirePath.of(rig, traffic);
        // [0] host CPU ns in passes that did work, [1] packets measured, [2] engine CPU ns, [3] elapsed ns,
        // [4] drops in the window, [5] passes timed, [6] one clock reading's cost, [7] submits refused in the window
        long[] r = new long[8];
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicReference<String> windowDrops = new AtomicReference<>(""); // by reason, for the problem's message
        AtomicBoolean giveUp = new AtomicBoolean();
        Thread host = rig.hostThreads().newThread(() -> {
            try (StageContext ctx = new StageContext("calibrate-card", clock)) {
                ctx.batchWakeups(true);
                r[6] = cpuClockCost(mx);
                long deadline = System.nanoTime() + TRIAL_TIMEOUT.toNanos();
                long taken = 0;
                long delivered = 0;
                long from = -1;
                long engineFrom = 0;
                long wallFrom = 0;
                long dropsFrom = 0;
                Map<DropReason, Long> byReasonFrom = Map.of();
                long hostCpu = 0;
                long passes = 0;
                while (true) {
                    if (giveUp.get() || System.nanoTime() > deadline) {
                        problem.compareAndSet(null, "only " + delivered + " of " + ((long) warmup + requests)
                                + " packets delivered");
                        break;
                    }
                    long withCard = taken - delivered - ctx.counters().totalDrops();
                    long c0 = mx.getCurrentThreadCpuTime();
                    int n = 0;
                    PacketBuffer p;
                    while (n < BUDGET && (refuse || withCard + n < OFFLOAD_HIGH) && (p = wp.ring().poll()) != null) {
                        wp.path().input(ctx, p);
                        n++;
                    }
                    taken += n;
                    int drained = 0;
                    int k;
                    while ((k = driver.drainCompletions(ctx, BUDGET)) > 0) {
                        drained += k;
                    }
                    PacketBuffer q;
                    while ((q = wp.socket().poll()) != null) {
                        q.release(); // the user's part (its checks, its copy) is stages.userNanos
                        delivered++;
                    }
                    ctx.endOfPass();
                    long c1 = mx.getCurrentThreadCpuTime();
                    if (from >= 0 && (n > 0 || drained > 0)) { // waiting for the card is left out
                        hostCpu += c1 - c0;
                        passes++;
                    }
                    if (from < 0 && delivered >= warmup) {
                        from = delivered;
                        dropsFrom = ctx.counters().totalDrops();
                        byReasonFrom = ctx.counters().dropsByReason();
                        engineFrom = engineCpu(registry, mx);
                        wallFrom = System.nanoTime();
                    }
                    if (from >= 0 && delivered - from >= requests) {
                        r[3] = System.nanoTime() - wallFrom;
                        r[0] = hostCpu;
                        r[5] = passes;
                        r[2] = engineCpu(registry, mx) - engineFrom;
                        r[1] = delivered - from;
                        r[4] = ctx.counters().totalDrops() - dropsFrom;
                        if (refuse) { // refusals are what this trial is about: the rest are the disturbance
                            r[7] = ctx.counters().get(DropReason.CRYPTO_QUEUE_FULL)
                                    - byReasonFrom.getOrDefault(DropReason.CRYPTO_QUEUE_FULL, 0L);
                            r[4] -= r[7];
                        }
                        windowDrops.set(dropsSince(byReasonFrom, ctx.counters().dropsByReason()));
                        break;
                    }
                    if (n == 0 && drained == 0) {
                        Thread.onSpinWait();
                    }
                }
                // untimed: stop taking frames, let the card finish what it holds, and take it back
                long end = System.nanoTime() + JOIN_TIMEOUT.toNanos();
                while (taken - delivered - ctx.counters().totalDrops() > 0 && System.nanoTime() < end) {
                    if (driver.drainCompletions(ctx, BUDGET) == 0) {
                        Thread.onSpinWait();
                    }
                    PacketBuffer q;
                    while ((q = wp.socket().poll()) != null) {
                        q.release();
                        delivered++;
                    }
                    ctx.endOfPass();
                }
                wp.path().flushReassembly(ctx);
            } catch (Throwable t) {
                problem.compareAndSet(null, "the host thread failed: " + t);
            }
        });
        host.setName(refuse ? "calibrate-card-refusing" : "calibrate-card");
        wp.ring().mask(); // polled by the host; the wire raises no interrupts
        wp.run(host, TRIAL_TIMEOUT.plus(JOIN_TIMEOUT).plus(JOIN_TIMEOUT), giveUp, problem, driver, clock);
        // Packets the path dropped in the window (replays, when the wire comes round its pre-built set
        // while frames wait) went part of the way: a few are noise, many mean a disturbed trial.
        if (r[4] > r[1] / 100) {
            problem.compareAndSet(null, r[4] + " packets dropped against " + r[1] + " delivered in the window ("
                    + windowDrops.get() + ")");
        }
        double n = r[1];
        return new Trial(r[1] == 0 ? Double.NaN : (r[0] - r[5] * r[6]) / n, r[1] == 0 ? Double.NaN : r[2] / n,
                r[1] == 0 ? Double.NaN : r[3] / n, r[1], wp.pool(), threadsOf(registry, host), problem.get(),
                refuse && r[1] > 0 ? r[7] / n : Double.NaN, null);
    }

    /**
     * @return the wire's work over a whole trial: its thread's CPU as it recorded it when it ended, and
     *         the frames it placed and refused; null when its thread's counts could not be read
     */
    private static WireWork wireWork(ThreadRegistry registry, Clock clock, WireFeed feed) {
        WireReport report = feed.wireReport();
        for (var row : new ThreadSwitches(registry, clock).snapshot().rows()) {
            if ("wire".equals(row.name())) {
                return new WireWork(row.sample().cpuNanos(), report.placed(), report.ringFull());
            }
        }
        return null;
    }

    /** @return the drops between two readings of a counter block, as "reason=n" for each reason that grew */
    private static String dropsSince(Map<DropReason, Long> from, Map<DropReason, Long> to) {
        StringBuilder b = new StringBuilder();
        to.forEach((reason, n) -> {
            long d = n - from.getOrDefault(reason, 0L);
            if (d > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(reason.label()).append('=').append(d);
            }
        });
        return b.toString();
    }

    /** @return the JVM's thread CPU clock, enabled, or null when it has none */
    private static ThreadMXBean threadCpuClock() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isCurrentThreadCpuTimeSupported()) {
            return null;
        }
        if (!mx.isThreadCpuTimeEnabled()) {
            mx.setThreadCpuTimeEnabled(true);
        }
        return mx;
    }

    /** @return what one reading of the calling thread's CPU clock adds to a stretch it brackets (a median) */
    private static long cpuClockCost(ThreadMXBean mx) {
        long[] d = new long[20_001];
        for (int i = 0; i < d.length; i++) {
            long a = mx.getCurrentThreadCpuTime();
            long b = mx.getCurrentThreadCpuTime();
            d[i] = b - a;
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /**
     * @return the CPU time of every crypto engine thread in {@code registry}, summed: each read through
     *         the thread's CPU clock (the kernel's {@code sum_exec_runtime}, the figure {@code schedstat}
     *         shows, brought up to date for a thread that is running now), or from {@code schedstat} by
     *         its tid when the JVM cannot read it. {@code /proc}'s figure for a thread that never stops
     *         running is brought up to date only at the scheduler's tick: up to a tick behind, which is
     *         all of a short window (a whole measurement read 0 ns).
     */
    private static long engineCpu(ThreadRegistry registry, ThreadMXBean mx) {
        long sum = 0;
        int engines = 0;
        for (ThreadRegistry.Registration g : registry.registrations()) {
            if (g.role() == ThreadRole.DEVICE && g.name().contains("-engine-")) {
                long cpu = g.thread() == null ? -1 : mx.getThreadCpuTime(g.thread().threadId());
                if (cpu < 0) {
                    ThreadSample s = ThreadSwitches.sample(g.tid());
                    if (s == null) {
                        throw new IllegalStateException("crypto engine thread '" + g.name() + "' ended early");
                    }
                    cpu = s.cpuNanos();
                }
                sum += cpu;
                engines++;
            }
        }
        if (engines == 0) {
            throw new IllegalStateException("no crypto engine thread registered");
        }
        return sum;
    }

    /** Waits {@code nanos} without touching anything the engine writes: spins, or yields on a shared CPU. */
    private static void waitUntracked(long nanos, boolean shared) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            if (shared) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** A fresh copy of the next valid frame, parsed down to its ESP header, described as its decryption. */
    private static CryptoRequest prepare(TrafficSet.Source source, long n, PacketPool pool, SaDatabase sas) {
        FrameTemplate f = source.template(source.select(n));
        PacketBuffer p = pool.acquire();
        if (p == null) {
            throw new IllegalStateException("packet pool exhausted: " + pool);
        }
        p.append(f.bytes(), 0, f.length());
        p.linkType(f.linkType());
        p.tag = f.tag();
        DropReason bad = LinkInput.demux(p);
        if (bad == null) {
            bad = IpInput.validate(p);
        }
        if (bad != null) {
            p.release();
            throw new IllegalStateException("a pre-built frame does not parse: " + bad);
        }
        p.setRange(p.transportOffset(), p.end() - p.transportOffset());
        return describeOpen(sas, p);
    }

    /** @return every thread of {@code registry} and {@code host} */
    private static List<Thread> threadsOf(ThreadRegistry registry, Thread host) {
        List<Thread> out = new ArrayList<>();
        out.add(host);
        for (ThreadRegistry.Registration g : registry.registrations()) {
            if (g.thread() != null && !out.contains(g.thread())) {
                out.add(g.thread());
            }
        }
        return out;
    }

    /**
     * The dispatch limits alone, for {@code bench}: a thread wakeup round trip between two threads on
     * the same host CPU and on the host and device CPUs, and a virtual-thread park/unpark, measured as
     * in {@link #measure} (same trials, same ping-pongs). Pins the calling thread to the host CPU.
     *
     * @return {@code wakeupSameCpu}, {@code wakeupCrossCpu} (only with two distinct CPUs) and
     *         {@code virtualThreadParkUnpark}, each a map with {@code handoffNanos} (one way)
     */
    public static Map<String, Object> dispatchLimits(Placement placement) throws Exception {
        CpuSet host = placement.hostCpu(0);
        CpuSet device = placement.device() == null ? null : CpuSet.of(placement.device().first());
        if (host != null) {
            CurrentThread.pin(host);
        }
        Map<String, Object> prim = new LinkedHashMap<>();
        prim.put("wakeupSameCpu", pingPong(host, host, IdleStrategies.PARK));
        if (device != null && host != null && !device.equals(host)) {
            prim.put("wakeupCrossCpu", pingPong(host, device, IdleStrategies.PARK));
        }
        prim.put("virtualThreadParkUnpark", virtualPingPong());
        return prim;
    }

    /** Least squares y = a + b x. */
    static double[] fit(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double b = sxx == 0 ? 0 : sxy / sxx;
        return new double[]{my - b * mx, b};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static long osSwitches() {
        var s = ThreadSwitches.sample(CurrentThread.tid());
        return s == null ? 0 : s.voluntary() + s.involuntary();
    }

    /** One-way handoff cost between two threads on {@code a} and {@code b}, and OS switches per handoff. */
    private static Map<String, Object> pingPong(CpuSet a, CpuSet b, IdleStrategy idle) throws Exception {
        int n = idle == IdleStrategies.SPIN ? 100_000 : 20_000;
        double[] nanos = new double[TRIALS];
        double[] sw = new double[TRIALS];
        for (int t = 0; t < TRIALS; t++) {
            Doorbell toPong = new Doorbell();
            Doorbell toPing = new Doorbell();
            AtomicLong pongSwitches = new AtomicLong();
            long[] result = new long[2];
            Thread ping = Thread.ofPlatform().start(() -> {
                if (a != null) {
                    CurrentThread.pin(a);
                }
                long s0 = osSwitches();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    toPong.ring();
                    toPing.await(idle);
                }
                result[0] = System.nanoTime() - t0;
                result[1] = osSwitches() - s0;
            });
            Thread pong = Thread.ofPlatform().start(() -> {
                if (b != null) {
                    CurrentThread.pin(b);
                }
                long s0 = osSwitches();
                for (int i = 0; i < n; i++) {
                    toPong.await(idle);
                    toPing.ring();
                }
                pongSwitches.set(osSwitches() - s0);
            });
            ping.join();
            pong.join();
            nanos[t] = result[0] / (2.0 * n);
            sw[t] = (result[1] + pongSwitches.get()) / (2.0 * n);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("handoffNanos", median(nanos));
        m.put("osSwitchesPerHandoff", median(sw));
        m.put("idle", idle.label());
        return m;
    }

    /** Rounds of polls timed per trial of {@link #idlePollNanos}. */
    private static final int IDLE_POLL_ROUNDS = 20_000;

    /**
     * How long an idle card engine polls before it parks: {@code spins} polls of an empty submission ring
     * with a spin-wait hint each, as the offload driver's engine makes them, timed on the device CPU (the
     * host CPU without one). Median of {@value #TRIALS} trials of {@value #IDLE_POLL_ROUNDS} rounds.
     */
    static double idlePollNanos(Placement placement, int spins) throws InterruptedException {
        CpuSet cpu = placement.device() != null ? CpuSet.of(placement.device().first()) : placement.hostCpu(0);
        MpmcArrayQueue<Object> ring = new MpmcArrayQueue<>(256);
        AtomicBoolean wanted = new AtomicBoolean();
        double[] nanos = new double[TRIALS];
        Thread t = Thread.ofPlatform().name("calibrate-idle-poll").start(() -> {
            if (cpu != null) {
                CurrentThread.pin(cpu);
            }
            int polled = 0;
            for (int trial = -1; trial < TRIALS; trial++) { // the first round of trials warms the loop up
                long t0 = System.nanoTime();
                for (int r = 0; r < IDLE_POLL_ROUNDS; r++) {
                    for (int i = spins; i > 0; i--) {
                        if (!ring.isEmpty() || wanted.get()) {
                            break;
                        }
                        Thread.onSpinWait();
                        polled++;
                    }
                }
                if (trial >= 0) {
                    nanos[trial] = (System.nanoTime() - t0) / (double) IDLE_POLL_ROUNDS;
                }
            }
            if (polled == 42) {
                wanted.set(true); // polled used, so the loop is not removed
            }
        });
        t.join();
        return median(nanos);
    }

    /** Gap between the device CPU's wakeups in {@link #wakeupOfBusyCpu}. */
    private static final long BUSY_WAKE_GAP_NANOS = 50_000;
    /** Length of each phase (computing alone, computing while woken) of {@link #wakeupOfBusyCpu}. */
    private static final long BUSY_PHASE_NANOS = 300_000_000;

    /**
     * What a wakeup sent from the device CPU costs the host CPU when a thread is computing there, as a
     * run's wire and engine wake the host's threads: a thread on {@code host} computes a fixed loop
     * throughout, a second thread on {@code host} sleeps on a doorbell, and a thread on {@code device}
     * rings that doorbell every {@value #BUSY_WAKE_GAP_NANOS} ns in one phase and not in the other. The
     * computing thread's lost progress per wakeup is everything the wakeup cost its CPU: the interrupt
     * (in a guest, the exits of the inter-processor interrupt), the switch to the sleeper and back,
     * the sleeper's return from and to the doorbell. The phase with wakeups also times each one from the
     * ring to the sleeper running ({@code latencyNanos}), and a third phase does the same with nothing
     * computing on the host between the wakeups ({@code idleLatencyNanos}). Both phases with wakeups
     * also time the ring itself where it unparked the sleeper ({@code wakerNanos}, {@code
     * idleWakerNanos}): what sending a wakeup costs the sender, as a run's engine pays it for each host
     * thread its completion interrupt wakes. Median of {@value #TRIALS} trials of the three phases.
     */
    static Map<String, Object> wakeupOfBusyCpu(CpuSet host, CpuSet device) throws Exception {
        double[] lost = new double[TRIALS];
        double[] woken = new double[TRIALS];
        double[] busyLatency = new double[TRIALS];
        double[] idleLatency = new double[TRIALS];
        double[] busyWaker = new double[TRIALS];
        double[] idleWaker = new double[TRIALS];
        for (int t = 0; t < TRIALS; t++) {
            double alone = computeBeside(host, device, false, true)[0];
            double[] with = computeBeside(host, device, true, true);
            lost[t] = (alone - with[0]) / alone * BUSY_PHASE_NANOS / Math.max(1, with[1]);
            woken[t] = with[1];
            busyLatency[t] = with[2];
            busyWaker[t] = with[3];
            double[] idle = computeBeside(host, device, true, false);
            idleLatency[t] = idle[2];
            idleWaker[t] = idle[3];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lostNanosPerWakeup", median(lost));
        m.put("wakeupsPerPhase", median(woken));
        m.put("latencyNanos", median(busyLatency));
        m.put("idleLatencyNanos", median(idleLatency));
        m.put("wakerNanos", median(busyWaker));
        m.put("idleWakerNanos", median(idleWaker));
        m.put("note", "a thread computing on the host CPU for " + BUSY_PHASE_NANOS / 1_000_000 + " ms, a second one "
                + "sleeping on a doorbell there, rung from the device CPU every " + BUSY_WAKE_GAP_NANOS / 1000
                + " us or not at all: the computing thread's lost progress per wakeup; latencyNanos, the median "
                + "time from a ring to the sleeper running, and idleLatencyNanos the same with the host CPU idle "
                + "between the wakeups (no computing thread), as a run's device threads wake its host threads; "
                + "wakerNanos and idleWakerNanos, the median time the ringer spent in a ring that woke the sleeper "
                + "(its unpark: in a guest, the exits of the inter-processor interrupt it sends)");
        return m;
    }

    /** Wakeup latencies kept per phase of {@link #computeBeside}: more than a phase's wakeups. */
    private static final int LATENCY_SAMPLES = (int) (2 * BUSY_PHASE_NANOS / BUSY_WAKE_GAP_NANOS);

    /**
     * @param busyThread with a thread computing on the host CPU throughout; without it the phase lasts as
     *                   long and the host CPU idles between the wakeups
     * @return iterations of the computing thread in one phase, the sleeper's wakeups in it, the
     *         median time from a ring to the sleeper running again, and the median time the ringer spent
     *         in a ring that unparked the sleeper (ns; NaN without wakeups)
     */
    private static double[] computeBeside(CpuSet host, CpuSet device, boolean wake, boolean busyThread)
            throws Exception {
        Doorbell bell = new Doorbell();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wakeups = new AtomicLong();
        AtomicLong rungAt = new AtomicLong();
        long[] iterations = new long[1];
        long[] sleeps = new long[1];
        double[] latencies = new double[LATENCY_SAMPLES];
        int[] sampled = new int[1];
        double[] ringNanos = new double[LATENCY_SAMPLES];
        int[] rings = new int[1];
        Thread sleeper = Thread.ofPlatform().name("calibrate-busy-sleeper").start(() -> {
            CurrentThread.pin(host);
            var s0 = ThreadSwitches.sample(CurrentThread.tid());
            while (!stop.get()) {
                boolean slept = bell.await(IdleStrategies.PARK);
                long now = System.nanoTime();
                wakeups.incrementAndGet();
                if (slept && !stop.get() && sampled[0] < latencies.length) {
                    latencies[sampled[0]++] = now - rungAt.get(); // the clock is the same on both CPUs
                }
            }
            var s1 = ThreadSwitches.sample(CurrentThread.tid());
            sleeps[0] = s0 == null || s1 == null ? -1 : s1.voluntary() - s0.voluntary();
        });
        Thread busy = Thread.ofPlatform().name("calibrate-busy").start(() -> {
            CurrentThread.pin(host);
            long x = 1;
            long n = 0;
            long end = System.nanoTime() + BUSY_PHASE_NANOS;
            if (!busyThread) {
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left); // the phase's length, the CPU left idle
                }
            } else {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 256; i++) {
                        x = x * 6364136223846793005L + 1442695040888963407L; // a fixed amount of work, in registers
                    }
                    n++;
                }
            }
            iterations[0] = n + (x == 42 ? 1 : 0); // x used, so the loop is not removed
            stop.set(true);
        });
        Thread ringer = Thread.ofPlatform().name("calibrate-busy-ringer").start(() -> {
            CurrentThread.pin(device);
            long next = System.nanoTime();
            while (!stop.get()) {
                next += BUSY_WAKE_GAP_NANOS;
                while (System.nanoTime() < next && !stop.get()) {
                    Thread.onSpinWait();
                }
                if (wake) {
                    long r0 = System.nanoTime();
                    rungAt.set(r0);
                    if (bell.ring() && rings[0] < ringNanos.length) { // it unparked the sleeper: a wakeup sent
                        ringNanos[rings[0]++] = System.nanoTime() - r0;
                    }
                }
            }
        });
        busy.join();
        ringer.join();
        bell.ring(); // ends the sleeper: one sleep more than the phase's
        sleeper.join();
        // the sleeper's sleeps (voluntary switches) are the wakeups; a ring that finds it awake wakes nobody
        long counted = sleeps[0] >= 0 ? Math.max(0, sleeps[0] - 1) : wakeups.get();
        double latency = sampled[0] == 0 ? Double.NaN : median(Arrays.copyOf(latencies, sampled[0]));
        double waker = rings[0] == 0 ? Double.NaN : median(Arrays.copyOf(ringNanos, rings[0]));
        return new double[]{iterations[0], counted, latency, waker};
    }

    private static Map<String, Object> virtualPingPong() throws Exception {
        int n = 50_000;
        double[] nanos = new double[TRIALS];
        for (int t = 0; t < TRIALS; t++) {
            Doorbell toPong = new Doorbell();
            Doorbell toPing = new Doorbell();
            long[] result = new long[1];
            Thread ping = Thread.ofVirtual().start(() -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    toPong.ring();
                    toPing.await(IdleStrategies.PARK);
                }
                result[0] = System.nanoTime() - t0;
            });
            Thread pong = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < n; i++) {
                    toPong.await(IdleStrategies.PARK);
                    toPing.ring();
                }
            });
            ping.join();
            pong.join();
            nanos[t] = result[0] / (2.0 * n);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("handoffNanos", median(nanos));
        m.put("note", "unpark + remount of a parked virtual thread on the JDK scheduler's carriers");
        return m;
    }

    private static double softintCoalesced() throws Exception {
        int n = 1_000_000;
        double[] nanos = new double[TRIALS];
        try (Softints softints = new Softints(1, Lifecycle.plainThreads(), Clock.SYSTEM, IdleStrategies.PARK);
             StageContext caller = new StageContext("calibrate", Clock.SYSTEM)) {
            Doorbell hold = new Doorbell();
            Softint s = softints.establish(SoftintLevel.NET, 0, "held", (ctx, b) -> {
                hold.await(IdleStrategies.PARK); // keeps the softint pending while the caller schedules
                return 0;
            }, 1);
            softints.start();
            s.schedule(caller);
            for (int t = 0; t < TRIALS; t++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    s.schedule(caller);
                }
                nanos[t] = (System.nanoTime() - t0) / (double) n;
            }
            hold.ring();
            softints.stop();
            softints.join(Duration.ofSeconds(10));
        }
        return median(nanos);
    }

    private static Map<String, Object> softintRoundTrip(CpuSet host) throws Exception {
        int n = 20_000;
        double[] nanos = new double[TRIALS];
        java.util.concurrent.ThreadFactory f = host == null ? Lifecycle.plainThreads()
                : r -> Thread.ofPlatform().daemon().unstarted(() -> {
                    CurrentThread.pin(host);
                    r.run();
                });
        try (Softints softints = new Softints(1, f, Clock.SYSTEM, IdleStrategies.PARK);
             StageContext caller = new StageContext("calibrate", Clock.SYSTEM)) {
            Doorbell back = new Doorbell();
            Softint s = softints.establish(SoftintLevel.NET, 0, "rt", (ctx, b) -> {
                back.ring();
                return 0;
            }, 1);
            softints.start();
            for (int t = 0; t < TRIALS; t++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    s.schedule(caller);
                    back.await(IdleStrategies.PARK);
                }
                nanos[t] = (System.nanoTime() - t0) / (double) n;
            }
            softints.stop();
            softints.join(Duration.ofSeconds(10));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roundTripNanos", median(nanos));
        m.put("note", "schedule from a thread on the host CPU, softint thread wakes, runs, rings back");
        return m;
    }

    private static double continuationImmediate(CpuSet host) throws Exception {
        int n = 2_000_000;
        double[] nanos = new double[TRIALS];
        java.util.concurrent.ThreadFactory f = host == null ? Lifecycle.plainThreads()
                : r -> Thread.ofPlatform().daemon().unstarted(() -> {
                    CurrentThread.pin(host);
                    r.run();
                });
        try (ExecutionContext k = new ExecutionContext("calibrate-kcont", f, Clock.SYSTEM, IdleStrategies.PARK)) {
            long[] sink = new long[1];
            Continuation<Long> inner = new Continuation<>("inner", k, (x, ctx) -> sink[0] += x, 16, 16);
            Doorbell done = new Doorbell();
            Continuation<Integer> outer = new Continuation<>("outer", k, (trial, ctx) -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    inner.schedule(1L, ctx);
                }
                nanos[trial] = (System.nanoTime() - t0) / (double) n;
                done.ring();
            }, 16, 16);
            k.start();
            try (StageContext caller = new StageContext("calibrate", Clock.SYSTEM)) {
                for (int t = 0; t < TRIALS; t++) {
                    outer.schedule(t, caller);
                    done.await(IdleStrategies.PARK);
                }
            }
            k.stop();
            k.join(Duration.ofSeconds(10));
        }
        return median(nanos);
    }

    private static double poolCycle() {
        PacketPool pool = new PacketPool("calibrate", 64, 2048, 128);
        int n = 2_000_000;
        double[] nanos = new double[TRIALS];
        for (int t = 0; t < TRIALS; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pool.acquire().release();
            }
            nanos[t] = (System.nanoTime() - t0) / (double) n;
        }
        return median(nanos);
    }

    /** Packets a stage is timed over at a time: one clock reading at each end of the batch. */
    private static final int STAGE_BATCH = 256;

    /**
     * Stage costs over real ESP packets of {@code payload} bytes, software crypto, one thread. Each
     * stage is timed on its own: a batch of packets is taken untimed through the stages before it,
     * then the stage runs over the whole batch between two clock readings, then the packets are
     * released untimed. So a stage's figure is its own time, never a difference of two pipelines'
     * medians (whose noise, tens of nanoseconds, is larger than the link and IP stages and made them
     * come out negative, and moved up to 350 ns between ESP and the delivery from one calibration to
     * the next). ESP without the cipher is the one difference left: ESP with the cipher less the
     * cipher alone, both timed in the same trial over the same batch size, and the median taken over
     * the trials' differences. Packets come from the batch just prepared, so a stage finds them in
     * the cache as a context draining a queue does, not hot from the line before.
     */
    static Map<String, Object> stages(CipherSuite suite, int payload) {
        Workload w = new Workload(SizeMix.fixed(payload), 16, 4, suite, false, false, 0, 0, 0, 1,
                Workload.DEFAULT_PORT);
        TrafficSet traffic = TrafficSet.build(w, 8192);
        Map<String, Object> m = new LinkedHashMap<>();
        try (TrafficSet.Receiver rx = traffic.receiver(new SoftwareDriver(), 1024);
             StageContext ctx = new StageContext("calibrate", Clock.SYSTEM)) {
            TrafficSet.Source source = rx.source();
            PacketPool pool = new PacketPool("calibrate", 2 * STAGE_BATCH, payload + 512, 128);
            SocketTable sockets = new SocketTable();
            UserSocket socket = new UserSocket(w.port(), 64);
            sockets.bind(socket);
            UdpDelivery udp = new UdpDelivery(sockets, false);
            Application app = new Application(socket, ctx, IdleStrategies.SPIN, new LatencyRecorder(Clock.SYSTEM),
                    traffic.payloadCheck());
            PacketBuffer[] batch = new PacketBuffer[STAGE_BATCH];
            int[] at = {0};
            EspInput esp = new EspInput(rx.sas(), (c, p) -> batch[at[0]] = p);
            long[] seq = {0};
            StageRunner run = new StageRunner() {
                @Override
                public void stage(int k, int i) {
                    PacketBuffer p = batch[i];
                    switch (k) {
                        case 0 -> {
                            FrameTemplate f = source.template(source.select(seq[0]++));
                            p = pool.acquire();
                            p.append(f.bytes(), 0, f.length());
                            p.linkType(f.linkType());
                            p.tag = f.tag();
                            p.arrivalNanos(0);
                            batch[i] = p;
                        }
                        case 1 -> LinkInput.demux(p);
                        case 2 -> {
                            IpInput.validate(p);
                            p.setRange(p.transportOffset(), p.end() - p.transportOffset());
                        }
                        case 3 -> cryptoOnly(rx, p, ctx);
                        case 4 -> {
                            batch[i] = null; // the callback puts the decrypted packet back; a drop leaves null
                            at[0] = i;
                            esp.input(ctx, p, CompletionTarget.INLINE);
                        }
                        case 5 -> {
                            IpInput.validate(p);
                            udp.accept(ctx, p);
                            batch[i] = socket.poll();
                        }
                        case 6 -> {
                            app.consume(p);
                            batch[i] = null;
                        }
                        default -> throw new IllegalArgumentException("stage " + k);
                    }
                }

                @Override
                public void release(int i) {
                    if (batch[i] != null) {
                        batch[i].release();
                        batch[i] = null;
                    }
                }
            };
            int n = 32768;
            // stage k over every packet of the batch (the restore fills empty slots; a dropped packet's stays empty)
            java.util.function.IntConsumer overBatch = k -> {
                for (int i = 0; i < STAGE_BATCH; i++) {
                    if (k == 0 || batch[i] != null) {
                        run.stage(k, i);
                    }
                }
            };
            // stage k timed over n packets in batches, each taken untimed through the stages before it
            java.util.function.IntToDoubleFunction timed = k -> {
                long nanos = 0;
                for (int done = 0; done < n; done += STAGE_BATCH) {
                    for (int before = 0; before < k; before++) {
                        if (before != 3) { // the cipher alone is not a step before ESP: ESP runs it
                            overBatch.accept(before);
                        }
                    }
                    long t0 = System.nanoTime();
                    overBatch.accept(k);
                    nanos += System.nanoTime() - t0;
                    for (int i = 0; i < STAGE_BATCH; i++) {
                        run.release(i);
                    }
                }
                return nanos / (double) n;
            };
            double[][] trials = new double[7][TRIALS];
            for (int warm = 0; warm < 3; warm++) {
                for (int k = 0; k < 7; k++) {
                    timed.applyAsDouble(k);
                }
            }
            double[] espLessCipher = new double[TRIALS];
            for (int t = 0; t < TRIALS; t++) {
                for (int k = 0; k < 7; k++) {
                    trials[k][t] = timed.applyAsDouble(k);
                }
                espLessCipher[t] = trials[4][t] - trials[3][t];
            }
            double[] med = new double[7];
            for (int k = 0; k < 7; k++) {
                med[k] = median(trials[k]);
            }
            double espOnly = median(espLessCipher);
            m.put("payloadBytes", payload);
            m.put("restoreNanos", med[0]);
            m.put("linkInputNanos", med[1]);
            m.put("ipInputNanos", med[2]);
            m.put("cryptoNanos", med[3]);
            m.put("espInputExcludingCryptoNanos", espOnly);
            m.put("innerIpUdpSocketNanos", med[5]);
            m.put("userNanos", med[6]);
            m.put("wholePathNanos", med[1] + med[2] + med[3] + espOnly + med[5] + med[6]);
            m.put("stageBatch", STAGE_BATCH);
            // every packet went the whole way (a replay or a bad ICV would have cut a timed batch short),
            // and every buffer came back
            m.put("dropped", ctx.counters().totalDrops());
            m.put("buffersLeft", pool.outstanding());
        }
        return m;
    }

    /** One step of the stage timing over slot {@code i} of the batch, and the slot's release. */
    private interface StageRunner {
        void stage(int k, int i);

        void release(int i);
    }

    /** The transform alone on the packet ESP would decrypt: the crypto part of esp_input. */
    private static void cryptoOnly(TrafficSet.Receiver rx, PacketBuffer p, StageContext ctx) {
        CryptoRequest r = describeOpen(rx.sas(), p);
        r.session().transform(ctx.slot()).process(r);
    }

    /**
     * Describes the decryption of the ESP packet {@code p} (its range at the ESP header, IPv4 outer
     * header) as esp_input would, on the packet's reused request: no replay check, no continuation set.
     */
    private static CryptoRequest describeOpen(SaDatabase sas, PacketBuffer p) {
        byte[] d = p.data();
        int esp = p.offset();
        SecurityAssociation sa = sas.lookup(dev.dispatchlab.packet.Bytes.i32(d, esp), d,
                p.networkOffset() + 12, p.networkOffset() + 16, 4);
        CryptoRequest r = p.attachment instanceof CryptoRequest q ? q : new CryptoRequest();
        p.attachment = r;
        int iv = esp + 8;
        int payLen = p.length() - 8 - sa.ivLength() - sa.icvLength();
        return r.describe(sa.session(), CryptoOp.OPEN, p, esp, iv, iv + sa.ivLength(), payLen,
                iv + sa.ivLength() + payLen, 0);
    }
}
