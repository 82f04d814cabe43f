package dev.dispatchlab.run;

import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.CurrentThread;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far apart two CPUs are at this moment: the round trip of one cache line handed back and forth
 * between a thread pinned to each, both spinning.
 *
 * <pre>
 *   near (CPU a): write 2k+1 ─► line ─► far (CPU b): sees 2k+1, writes 2k+2 ─► line ─► near: sees 2k+2
 * </pre>
 *
 * Why: the runtime's wire writes every frame on the device CPU and a host thread reads it, so each
 * frame pays this distance, and on a virtual machine it is not fixed. Here the round trip jumps
 * between about 55 ns (the two vCPUs on one core or cache complex) and 420 to 550 ns (far apart) as
 * the hypervisor moves them, for seconds or minutes at a time ({@code scripts/experiments/Bounce.java});
 * the same puller at the maximum rate delivered 1.02 M packets/s with both CPUs near and 584k with them
 * far. {@link Runner} measures it before and after every run, so that a result says which machine it
 * ran on.
 *
 * <p>Threading: any thread may call it; it starts, pins and joins its own two threads.
 */
public final class CpuDistance {

    /**
     * Two distances within this factor of each other are one level (the levels here: about 55 and 450
     * ns); calibrate keeps its in-place trials at one level, and validate takes its runs at that level.
     */
    public static final double LEVEL_FACTOR = 1.6;

    /** Round trips per sample; five samples, the median kept. About 2 to 12 ms in all here. */
    static final int ROUND_TRIPS = 4_000;
    private static final int SAMPLES = 5;

    private CpuDistance() {
    }

    /**
     * @return the median round trip of a cache line between a thread on {@code a} and one on {@code b},
     *         nanoseconds, or NaN if a thread could not be pinned or the whole took over a second;
     *         {@code a} and {@code b} must be different CPUs (two spinners on one CPU only take turns at
     *         the scheduler's pace)
     */
    public static double roundTripNanos(CpuSet a, CpuSet b) throws InterruptedException {
        if (a == null || b == null || a.equals(b)) {
            throw new IllegalArgumentException("two different CPUs needed, got " + a + " and " + b);
        }
        AtomicLong line = new AtomicLong();
        AtomicBoolean abort = new AtomicBoolean();
        long total = (long) ROUND_TRIPS * SAMPLES;
        long deadline = System.nanoTime() + 1_000_000_000L;
        Thread far = Thread.ofPlatform().name("cpu-distance-far").start(() -> {
            if (!pinned(b, abort)) {
                return;
            }
            for (long k = 0; k < total && !abort.get(); k++) {
                long v = 2 * k + 1;
                while (line.get() != v && !abort.get()) {
                    Thread.onSpinWait();
                }
                line.set(v + 1);
            }
        });
        double[] samples = new double[SAMPLES];
        Thread near = Thread.ofPlatform().name("cpu-distance-near").start(() -> {
            if (!pinned(a, abort)) {
                return;
            }
            long k = 0;
            for (int s = 0; s < SAMPLES && !abort.get(); s++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < ROUND_TRIPS && !abort.get(); i++, k++) {
                    line.set(2 * k + 1);
                    while (line.get() != 2 * k + 2 && !abort.get()) {
                        Thread.onSpinWait();
                    }
                }
                long t1 = System.nanoTime();
                samples[s] = (t1 - t0) / (double) ROUND_TRIPS;
                if (t1 > deadline) {
                    abort.set(true);
                }
            }
        });
        near.join();
        far.join();
        if (abort.get()) {
            return Double.NaN;
        }
        Arrays.sort(samples);
        return samples[SAMPLES / 2];
    }

    /**
     * @return the round trip between the device CPU of {@code placement} and its first host CPU, or NaN
     *         when the placement does not pin two different CPUs
     */
    public static double between(Placement placement) throws InterruptedException {
        CpuSet host = placement.hostCpu(0);
        if (placement.device() == null || host == null) {
            return Double.NaN;
        }
        CpuSet device = CpuSet.of(placement.device().first());
        return device.equals(host) ? Double.NaN : roundTripNanos(host, device);
    }

    /** @return true when {@code a} and {@code b} are both measured and at one level ({@link #LEVEL_FACTOR}) */
    public static boolean sameLevel(double a, double b) {
        return !Double.isNaN(a) && !Double.isNaN(b) && a <= b * LEVEL_FACTOR && b <= a * LEVEL_FACTOR;
    }

    private static boolean pinned(CpuSet cpu, AtomicBoolean abort) {
        try {
            CurrentThread.pin(cpu);
            return true;
        } catch (RuntimeException e) {
            abort.set(true);
            return false;
        }
    }
}
