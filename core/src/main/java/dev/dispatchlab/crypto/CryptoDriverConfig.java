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
 *                      histogram record per request)
 * @param offload       the emulated engine (offload and auto drivers)
 * @param auto          the routing thresholds (auto driver)
 */
public record CryptoDriverConfig(Clock clock, ThreadFactory threadFactory, boolean recordLatency, OffloadConfig offload,
                                 AutoConfig auto) {

    /** Daemon platform threads: stand-ins for hardware must not keep the JVM alive. */
    public static final ThreadFactory DEFAULT_THREADS = Thread.ofPlatform().daemon().factory();

    public CryptoDriverConfig {
        if (clock == null || threadFactory == null || offload == null || auto == null) {
            throw new IllegalArgumentException("crypto driver config needs a clock, a thread factory, offload and auto settings");
        }
    }

    /** The real clock, daemon platform threads, latency recorded, {@link OffloadConfig#defaults()}, {@link AutoConfig#defaults()}. */
    public static CryptoDriverConfig defaults() {
        return new CryptoDriverConfig(Clock.SYSTEM, DEFAULT_THREADS, true, OffloadConfig.defaults(), AutoConfig.defaults());
    }

    public CryptoDriverConfig withClock(Clock c) {
        return new CryptoDriverConfig(c, threadFactory, recordLatency, offload, auto);
    }

    public CryptoDriverConfig withThreadFactory(ThreadFactory f) {
        return new CryptoDriverConfig(clock, f, recordLatency, offload, auto);
    }

    public CryptoDriverConfig withRecordLatency(boolean record) {
        return new CryptoDriverConfig(clock, threadFactory, record, offload, auto);
    }

    public CryptoDriverConfig withOffload(OffloadConfig o) {
        return new CryptoDriverConfig(clock, threadFactory, recordLatency, o, auto);
    }

    public CryptoDriverConfig withAuto(AutoConfig a) {
        return new CryptoDriverConfig(clock, threadFactory, recordLatency, offload, a);
    }
}
