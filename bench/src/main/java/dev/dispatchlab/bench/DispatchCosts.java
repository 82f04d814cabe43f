package dev.dispatchlab.bench;

import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.device.FrameSource;
import dev.dispatchlab.device.FrameTemplate;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.RxRing;
import dev.dispatchlab.device.SyntheticWire;
import dev.dispatchlab.device.WireConfig;
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
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the costs the dispatch primitives are built on, on this machine, with a plain harness
 * (System.nanoTime around many repetitions, warm-up first), because the cross-thread cases block and
 * do not fit JMH's iteration model. Not a unit test; run it by hand:
 *
 * <pre>
 *   mvn -q -pl core install -DskipTests && mvn -q -pl bench package
 *   java -cp bench/target/benchmarks.jar dev.dispatchlab.bench.DispatchCosts
 * </pre>
 *
 * Each figure is the median of 5 runs. The cross-thread round trips report OS context switches
 * (voluntary + involuntary, from /proc/thread-self/status) per round trip beside the time, and a
 * SPIN baseline beside PARK. On a machine with fewer than 2 free CPUs the spinning figures are
 * meaningless; the harness says how many CPUs it saw.
 */
public final class DispatchCosts {

    private static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        System.out.printf("cpus=%d, jdk=%s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        report("doorbell ring, already rung (ns)", DispatchCosts::ringWhenRung);
        report("doorbell ring + consume, awake owner (ns)", DispatchCosts::ringAndConsume);
        report("softint schedule, coalesced (ns)", DispatchCosts::softintCoalesced);
        report("continuation, immediate (ns)", DispatchCosts::continuationImmediate);
        for (IdleStrategies idle : new IdleStrategies[]{IdleStrategies.PARK, IdleStrategies.SPIN_THEN_PARK, IdleStrategies.SPIN}) {
            report("ping-pong round trip, 2 threads, " + idle.label() + " (ns; switches/round trip)", () -> pingPong(idle));
        }
        report("softint round trip: schedule -> handler rings back, park (ns; switches/rt)", DispatchCosts::softintRoundTrip);
        report("synthetic wire alone: 64-byte frames, drained by a hard interrupt in the wire thread (Mpps; % placed)",
                DispatchCosts::wireAloneMpps);
        report("synthetic wire, 64-byte frames, 1 ring + releasing consumer thread (achieved Mpps; % placed)",
                DispatchCosts::wireMpps);
    }

    interface Measure {
        double[] run() throws Exception;
    }

    private static void report(String what, Measure m) throws Exception {
        m.run(); // warm-up
        double[][] runs = new double[RUNS][];
        for (int i = 0; i < RUNS; i++) {
            runs[i] = m.run();
        }
        StringBuilder sb = new StringBuilder(String.format("%-90s", what));
        for (int k = 0; k < runs[0].length; k++) {
            double[] v = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                v[i] = runs[i][k];
            }
            java.util.Arrays.sort(v);
            sb.append(String.format("  median %10.2f (min %.2f, max %.2f)", v[RUNS / 2], v[0], v[RUNS - 1]));
        }
        System.out.println(sb);
    }

    private static double[] ringWhenRung() {
        Doorbell bell = new Doorbell();
        bell.ring();
        int n = 50_000_000;
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += bell.ring() ? 1 : 0;
        }
        long t = System.nanoTime() - t0;
        return new double[]{(double) t / n + sink};
    }

    private static double[] ringAndConsume() {
        Doorbell bell = new Doorbell();
        int n = 20_000_000;
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            bell.ring();
            sink += bell.consume() ? 1 : 0;
        }
        long t = System.nanoTime() - t0;
        return new double[]{(double) t / n + (sink - n)};
    }

    private static double[] softintCoalesced() {
        try (Softints softints = new Softints(1, Lifecycle.plainThreads(), Clock.SYSTEM, IdleStrategies.PARK);
             StageContext caller = new StageContext("caller", Clock.SYSTEM)) {
            Softint s = softints.establish(SoftintLevel.NET, 0, "bench", (ctx, b) -> 0, 8);
            s.schedule(caller); // pending from now on: softints never started
            int n = 50_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.schedule(caller);
            }
            long t = System.nanoTime() - t0;
            return new double[]{(double) t / n};
        }
    }

    private static double[] continuationImmediate() throws Exception {
        int n = 20_000_000;
        AtomicLong nanos = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        long[] sink = new long[1];
        try (ExecutionContext ctx = new ExecutionContext("kcont/0", Lifecycle.plainThreads(), Clock.SYSTEM, IdleStrategies.PARK)) {
            Continuation<Long> inner = new Continuation<>("inner", ctx, (item, c) -> sink[0] += item, 16, 16);
            Long one = 1L;
            Continuation<Long> outer = new Continuation<>("outer", ctx, (item, c) -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    inner.schedule(one, c);
                }
                nanos.set(System.nanoTime() - t0);
                done.countDown();
            }, 16, 16);
            ctx.start();
            try (StageContext caller = new StageContext("caller", Clock.SYSTEM)) {
                outer.schedule(0L, caller);
                done.await();
            }
        }
        return new double[]{(double) nanos.get() / n + (sink[0] - n)};
    }

    private static double[] pingPong(IdleStrategy idle) throws Exception {
        int n = idle == IdleStrategies.SPIN ? 200_000 : 50_000;
        Doorbell toPong = new Doorbell();
        Doorbell toPing = new Doorbell();
        long[] switches = new long[2];
        Thread pong = Thread.ofPlatform().start(() -> {
            long s0 = switches();
            for (int i = 0; i < n; i++) {
                toPong.await(idle);
                toPing.ring();
            }
            switches[1] = switches() - s0;
        });
        long s0 = switches();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            toPong.ring();
            toPing.await(idle);
        }
        long t = System.nanoTime() - t0;
        switches[0] = switches() - s0;
        pong.join();
        return new double[]{(double) t / n, (double) (switches[0] + switches[1]) / n};
    }

    private static double[] softintRoundTrip() throws Exception {
        int n = 50_000;
        Doorbell back = new Doorbell();
        long[] handlerSwitches = new long[1];
        try (Softints softints = new Softints(1, Lifecycle.plainThreads(), Clock.SYSTEM, IdleStrategies.PARK);
             StageContext caller = new StageContext("caller", Clock.SYSTEM)) {
            long[] first = {-1};
            Softint s = softints.establish(SoftintLevel.NET, 0, "rt", (ctx, b) -> {
                long now = switches();
                if (first[0] < 0) {
                    first[0] = now;
                }
                handlerSwitches[0] = now - first[0];
                back.ring();
                return 1;
            }, 8);
            softints.start();
            long s0 = switches();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.schedule(caller);
                back.await(IdleStrategies.PARK);
            }
            long t = System.nanoTime() - t0;
            long mine = switches() - s0;
            softints.stop();
            softints.join(Duration.ofSeconds(10));
            return new double[]{(double) t / n, (double) (mine + handlerSwitches[0]) / n};
        }
    }

    private static double[] wireMpps() throws Exception {
        PacketPool pool = new PacketPool("bench", 8192, 256, 64);
        Nic nic = new Nic("nic0", 1, 4096, Coalescing.of(64, 50));
        RxRing ring = nic.ring(0);
        AtomicLong consumed = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread consumer = Thread.ofPlatform().start(() -> {
            long c = 0;
            while (!done.get()) {
                PacketBuffer p;
                while ((p = ring.poll()) != null) {
                    p.release();
                    c++;
                }
                Thread.onSpinWait();
            }
            consumed.set(c);
        });
        FrameTemplate[] t = new FrameTemplate[16];
        for (int i = 0; i < t.length; i++) {
            t[i] = new FrameTemplate(new byte[64], i, i, 1);
        }
        SyntheticWire wire = new SyntheticWire(nic, pool, FrameSource.of(t),
                WireConfig.constant(50_000_000, 5_000_000).withMaxBurst(64).withLagTolerance(Long.MAX_VALUE / 4),
                Clock.SYSTEM, Lifecycle.plainThreads());
        wire.start();
        wire.join(Duration.ofSeconds(60));
        done.set(true);
        consumer.join();
        WireReport r = wire.report();
        nic.discard(wire.stage(), dev.dispatchlab.metrics.DropReason.SHUTDOWN);
        wire.close();
        return new double[]{r.achievedPps() / 1e6, (double) r.placed() / r.offered() * 100};
    }

    private static double[] wireAloneMpps() throws Exception {
        PacketPool pool = new PacketPool("bench", 8192, 256, 64);
        Nic nic = new Nic("nic0", 1, 4096, Coalescing.of(64, 50));
        RxRing ring = nic.ring(0);
        dev.dispatchlab.dispatch.HardInterrupt intr = new dev.dispatchlab.dispatch.HardInterrupt("nic0", (ctx, budget) -> {
            int n = 0;
            PacketBuffer p;
            while (n < budget && (p = ring.poll()) != null) {
                p.release();
                n++;
            }
            return n;
        }, 4096, Clock.SYSTEM);
        ring.connect(intr);
        FrameTemplate[] t = new FrameTemplate[16];
        for (int i = 0; i < t.length; i++) {
            t[i] = new FrameTemplate(new byte[64], i, i, 1);
        }
        SyntheticWire wire = new SyntheticWire(nic, pool, FrameSource.of(t),
                WireConfig.constant(50_000_000, 10_000_000).withMaxBurst(64).withLagTolerance(Long.MAX_VALUE / 4),
                Clock.SYSTEM, Lifecycle.plainThreads());
        wire.start();
        wire.join(Duration.ofSeconds(60));
        WireReport r = wire.report();
        nic.discard(wire.stage(), dev.dispatchlab.metrics.DropReason.SHUTDOWN);
        wire.close();
        intr.close();
        return new double[]{r.achievedPps() / 1e6, (double) r.placed() / r.offered() * 100};
    }

    /** Voluntary plus involuntary context switches of the calling thread so far. */
    private static long switches() {
        try {
            long sum = 0;
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return sum;
        } catch (IOException e) {
            return -1;
        }
    }
}
