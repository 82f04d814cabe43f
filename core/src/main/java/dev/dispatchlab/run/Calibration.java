package dev.dispatchlab.run;

import dev.dispatchlab.crypto.CompletionTarget;
import dev.dispatchlab.crypto.CryptoOp;
import dev.dispatchlab.crypto.CryptoRequest;
import dev.dispatchlab.crypto.SoftwareDriver;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.dispatch.Continuation;
import dev.dispatchlab.dispatch.Doorbell;
import dev.dispatchlab.dispatch.ExecutionContext;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.Lifecycle;
import dev.dispatchlab.dispatch.Softint;
import dev.dispatchlab.dispatch.SoftintLevel;
import dev.dispatchlab.dispatch.Softints;
import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.esp.SecurityAssociation;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.LatencyRecorder;
import dev.dispatchlab.metrics.ThreadSwitches;
import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.CurrentThread;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.proto.IpInput;
import dev.dispatchlab.proto.LinkInput;
import dev.dispatchlab.stack.Application;
import dev.dispatchlab.stack.SocketTable;
import dev.dispatchlab.stack.UdpDelivery;
import dev.dispatchlab.stack.UserSocket;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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
 * differences of cumulative pipelines over real packets from a {@link TrafficSet}: restore the frame,
 * then link demux, then IP, then ESP, ..., each pipeline timed whole; a stage's cost is its
 * pipeline minus the one before it.
 *
 * <p>Threading: {@link #measure} on the calling thread, which it pins to the host CPU.
 */
public final class Calibration {

    static final int TRIALS = 5;

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
                + "differences of cumulative pipelines over real ESP packets");
        out.put("placement", placement.describe());
        Map<String, Object> prim = new LinkedHashMap<>();
        prim.put("wakeupSameCpu", pingPong(host, host, IdleStrategies.PARK));
        if (device != null && host != null && !device.equals(host)) {
            prim.put("wakeupCrossCpu", pingPong(host, device, IdleStrategies.PARK));
            prim.put("spinHandoffCrossCpu", pingPong(host, device, IdleStrategies.SPIN));
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

    /** Stage costs over real ESP packets of {@code payload} bytes, software crypto, one thread. */
    private static Map<String, Object> stages(CipherSuite suite, int payload) {
        Workload w = new Workload(SizeMix.fixed(payload), 16, 4, suite, false, false, 0, 0, 0, 1,
                Workload.DEFAULT_PORT);
        TrafficSet traffic = TrafficSet.build(w, 8192);
        Map<String, Object> m = new LinkedHashMap<>();
        try (TrafficSet.Receiver rx = traffic.receiver(new SoftwareDriver(), 1024);
             StageContext ctx = new StageContext("calibrate", Clock.SYSTEM)) {
            TrafficSet.Source source = rx.source();
            PacketPool pool = new PacketPool("calibrate", 64, payload + 512, 128);
            SocketTable sockets = new SocketTable();
            UserSocket socket = new UserSocket(w.port(), 64);
            sockets.bind(socket);
            UdpDelivery udp = new UdpDelivery(sockets, false);
            Application app = new Application(socket, ctx, IdleStrategies.SPIN, new LatencyRecorder(Clock.SYSTEM),
                    traffic.payloadCheck());
            PacketBuffer[] last = new PacketBuffer[1];
            EspInput esp = new EspInput(rx.sas(), (c, p) -> last[0] = p);
            int n = 32768;
            long[] seq = {0};
            // pipeline k runs the first k stages on fresh packets; returns ns per packet
            java.util.function.IntToDoubleFunction pipeline = k -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    FrameTemplate f = source.template(source.select(seq[0]++));
                    PacketBuffer p = pool.acquire();
                    p.append(f.bytes(), 0, f.length());
                    p.linkType(f.linkType());
                    p.tag = f.tag();
                    p.arrivalNanos(t0);
                    if (k >= 1) {
                        LinkInput.demux(p);
                    }
                    if (k >= 2) {
                        IpInput.validate(p);
                        p.setRange(p.transportOffset(), p.end() - p.transportOffset());
                    }
                    if (k == 3) {
                        cryptoOnly(rx, p, ctx);
                    } else if (k >= 4) {
                        esp.input(ctx, p, CompletionTarget.INLINE);
                        p = last[0];
                    }
                    if (k >= 5) {
                        IpInput.validate(p);
                        udp.accept(ctx, p);
                        p = socket.poll();
                    }
                    if (k >= 6) {
                        app.consume(p);
                    } else {
                        p.release();
                    }
                }
                return (System.nanoTime() - t0) / (double) n;
            };
            String[] names = {"restore", "linkInput", "ipInput", "crypto", "espInput", "innerIpUdpSocket", "user"};
            double[][] trials = new double[7][TRIALS];
            for (int warm = 0; warm < 3; warm++) {
                for (int k = 0; k < 7; k++) {
                    pipeline.applyAsDouble(k);
                }
            }
            for (int t = 0; t < TRIALS; t++) {
                for (int k = 0; k < 7; k++) {
                    trials[k][t] = pipeline.applyAsDouble(k);
                }
            }
            double[] med = new double[7];
            for (int k = 0; k < 7; k++) {
                med[k] = median(trials[k]);
            }
            m.put("payloadBytes", payload);
            m.put("restoreNanos", med[0]);
            m.put("linkInputNanos", med[1] - med[0]);
            m.put("ipInputNanos", med[2] - med[1]);
            m.put("cryptoNanos", med[3] - med[2]);
            m.put("espInputExcludingCryptoNanos", med[4] - med[3]);
            m.put("innerIpUdpSocketNanos", med[5] - med[4]);
            m.put("userNanos", med[6] - med[5]);
            m.put("wholePathNanos", med[6] - med[0]);
        }
        return m;
    }

    /** The transform alone on the packet ESP would decrypt: the crypto part of esp_input. */
    private static void cryptoOnly(TrafficSet.Receiver rx, PacketBuffer p, StageContext ctx) {
        byte[] d = p.data();
        int esp = p.offset();
        SecurityAssociation sa = rx.sas().lookup(dev.dispatchlab.packet.Bytes.i32(d, esp), d,
                p.networkOffset() + 12, p.networkOffset() + 16, 4);
        CryptoRequest r = p.attachment instanceof CryptoRequest q ? q : new CryptoRequest();
        p.attachment = r;
        int iv = esp + 8;
        int payLen = p.length() - 8 - sa.ivLength() - sa.icvLength();
        r.describe(sa.session(), CryptoOp.OPEN, p, esp, iv, iv + sa.ivLength(), payLen, iv + sa.ivLength() + payLen, 0);
        sa.session().transform(ctx.slot()).process(r);
    }
}
