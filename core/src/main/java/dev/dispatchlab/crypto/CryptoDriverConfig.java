package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;

import java.util.concurrent.ThreadFactory;

/**
 * What every crypto driver is built from (see {@link CryptoDrivers#create}): the injected clock and
 * thread factory, whether to record latency, and the per-driver settings.
 *
 * @param clock         all driver time (submit stamps, emulated latency, coalescing timer, timeouts)
 * @param threadFactory makes the offload driver's engine and watchdog threads; the runtime passes one that
 *                      registers them as {@code ThreadRole.DEVICE} threads
 * @param recordLatency record submit-to-completion time in the driver's histogram (two clock reads and a
 *                      histogram record per timed request)
 * @param inlineLatencySampling time one in this many inline (software) requests per context; 1 times
 *                      them all. Timing is most of what an inline request costs the framework (two clock
 *                      reads of ~26 ns on a KVM guest and a 12 ns histogram record against ~30 ns of
 *                      bookkeeping), so the default samples. The offload driver stamps every request,
 *                      as its emulation needs the submit time anyway, and records them all.
 * @param offload       the emulated engine (offload and auto drivers)
 * @param auto          the routing thresholds (auto driver)
 */
public record CryptoDriverConfig(Clock clock, ThreadFactory threadFactory, boolean recordLatency,
                                 int inlineLatencySampling, OffloadConfig offload, AutoConfig auto) {

    /** The default {@link #inlineLatencySampling()}: one inline request in 16 is timed. */
    public static final int DEFAULT_INLINE_LATENCY_SAMPLING = 16;

    /** Daemon platform threads: stand-ins for hardware must not keep the JVM alive. */
    public static final ThreadFactory DEFAULT_THREADS = Thread.ofPlatform().daemon().factory();

    public CryptoDriverConfig {
        if (clock == null || threadFactory == null || offload == null || auto == null) {
            throw new IllegalArgumentException("crypto driver config needs a clock, a thread factory, offload and auto settings");
        }
        if (inlineLatencySampling < 1) {
            throw new IllegalArgumentException("inlineLatencySampling must be at least 1: inlineLatencySampling="
                    + inlineLatencySampling);
        }
    }

    /**
     * The real clock, daemon platform threads, latency recorded (inline requests sampled one in
     * {@value #DEFAULT_INLINE_LATENCY_SAMPLING}), {@link OffloadConfig#defaults()}, {@link AutoConfig#defaults()}.
     */
    public static CryptoDriverConfig defaults() {
        return new CryptoDriverConfig(Clock.SYSTEM, DEFAULT_THREADS, true, DEFAULT_INLINE_LATENCY_SAMPLING,
                OffloadConfig.defaults(), AutoConfig.defaults());
    }

    public CryptoDriverConfig withClock(Clock c) {
        return new CryptoDriverConfig(c, threadFactory, recordLatency, inlineLatencySampling, offload, auto);
    }

    public CryptoDriverConfig withThreadFactory(ThreadFactory f) {
        return new CryptoDriverConfig(clock, f, recordLatency, inlineLatencySampling, offload, auto);
    }

    public CryptoDriverConfig withRecordLatency(boolean record) {
        return new CryptoDriverConfig(clock, threadFactory, record, inlineLatencySampling, offload, auto);
    }

    public CryptoDriverConfig withInlineLatencySampling(int oneIn) {
        return new CryptoDriverConfig(clock, threadFactory, recordLatency, oneIn, offload, auto);
    }

    public CryptoDriverConfig withOffload(OffloadConfig o) {
        return new CryptoDriverConfig(clock, threadFactory, recordLatency, inlineLatencySampling, o, auto);
    }

    public CryptoDriverConfig withAuto(AutoConfig a) {
        return new CryptoDriverConfig(clock, threadFactory, recordLatency, inlineLatencySampling, offload, a);
    }
}
