package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.device.ArrivalProcess;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.workload.SizeMix;

/**
 * Everything one simulated run is run with: the machine (profile), the design (model), and the
 * workload and device settings of the runtime's {@code run}/{@code compare} options.
 *
 * @param profile         the machine's costs
 * @param model           the dispatch model
 * @param crypto          the crypto driver, or null for the model's own ({@code auto} takes the card
 *                        when the mean payload reaches {@code autoThreshold})
 * @param ratePps         offered packets per second; {@link #MAX_RATE} for saturation
 * @param arrivals        constant or Poisson spacing
 * @param sizes           payload sizes
 * @param warmupNs        simulated time before the measured interval
 * @param measureNs       the measured interval, simulated
 * @param ringCapacity    NIC ring descriptors
 * @param coalescePackets NIC interrupt after this many frames...
 * @param coalesceNs      ...or this long after the first (0: no timer)
 * @param budget          items per context pass
 * @param queueCapacity   queues between contexts
 * @param socketCapacity  the user's socket buffer, packets
 * @param engineLatencyNs the card's latency per request
 * @param engineRate      the card's speed cap, bytes/s (0: none)
 * @param cryptoRing      the card's submission ring
 * @param cryptoCoalesceCount completion interrupt after this many completions...
 * @param cryptoCoalesceNs    ...or this long after the first
 * @param autoThreshold   auto driver: mean payload from which the card is used
 * @param virtualWorkers  vthread with the card: virtual workers, each ending its pass (and sending its
 *                        deferred wakeups) after a budget of its own packets
 * @param kernelPriority  null: the model's own in a kernel (kernel contexts above the user); false as
 *                        the runtime runs by default (every thread at normal priority)
 * @param interrupts      where the devices' interrupts run
 * @param tickNs          the scheduler tick: a thread that has used its slice gives way at the next one
 *                        (and a device CPU's wire and engine take turns this long)
 * @param sliceNs         the slice between threads of equal priority (their deadlines' spacing)
 * @param shortIdleNs     a thread picked after the host CPU idled less than this is preempted by those of
 *                        its priority it wakes, until it sleeps (Linux here, {@link SimCpu}; 0: never so)
 * @param seed            the random seed (Poisson arrivals)
 */
public record SimSpec(Profile profile, SimModels model, CryptoDrivers crypto, double ratePps, ArrivalProcess arrivals,
                      SizeMix sizes, long warmupNs, long measureNs, int ringCapacity, int coalescePackets,
                      long coalesceNs, int budget, int queueCapacity, int socketCapacity, long engineLatencyNs,
                      long engineRate, int cryptoRing, int cryptoCoalesceCount, long cryptoCoalesceNs,
                      int autoThreshold, int virtualWorkers, Boolean kernelPriority, Interrupts interrupts, long tickNs,
                      long sliceNs, long shortIdleNs,
                      long seed) {

    /** The rate that means saturation, as in the runtime. */
    public static final double MAX_RATE = 1e9;

    /** Where the devices' interrupts run. */
    public enum Interrupts {
        /** On the host CPU when the profile's machine has one CPU, else on a device CPU as the runtime places them. */
        AUTO,
        /** Hard interrupts on the host CPU (a real machine's devices). */
        HOST,
        /** Device threads on a CPU of their own (the runtime on this machine). */
        DEVICE
    }

    public SimSpec {
        if (profile == null || model == null || arrivals == null || sizes == null || interrupts == null) {
            throw new IllegalArgumentException("incomplete simulation spec");
        }
        if (!(ratePps > 0) || measureNs <= 0 || warmupNs < 0 || ringCapacity < 1 || budget < 1 || queueCapacity < 1
                || socketCapacity < 1 || cryptoRing < 1 || virtualWorkers < 1 || tickNs <= 0
                || sliceNs <= 0 || shortIdleNs < 0) {
            throw new IllegalArgumentException("bad simulation spec: rate=" + ratePps + ", measure=" + measureNs
                    + "ns, ring=" + ringCapacity + ", budget=" + budget + ", queue=" + queueCapacity);
        }
    }

    /** The runtime's defaults (RunOptions), on {@code profile} with {@code model}, at {@code ratePps}. */
    public static SimSpec defaults(Profile profile, SimModels model, double ratePps) {
        return new SimSpec(profile, model, null, ratePps, ArrivalProcess.CONSTANT, SizeMix.fixed(64), 20_000_000L,
                200_000_000L, 1024, 1, 0, 64, 4096, 4096, 5_000, 0, 1024, 8, 10_000, 1024, 256, null, Interrupts.AUTO,
                4_000_000L, 1_400_000L, SimCpu.LINUX_SHORT_IDLE_NS, 1);
    }

    public SimSpec withModel(SimModels m) {
        return new SimSpec(profile, m, crypto, ratePps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, interrupts, tickNs, sliceNs, shortIdleNs, seed);
    }

    public SimSpec withProfile(Profile p) {
        return new SimSpec(p, model, crypto, ratePps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, interrupts, tickNs, sliceNs, shortIdleNs, seed);
    }

    public SimSpec withRate(double pps) {
        return new SimSpec(profile, model, crypto, pps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, interrupts, tickNs, sliceNs, shortIdleNs, seed);
    }

    public SimSpec withSeed(long s) {
        return new SimSpec(profile, model, crypto, ratePps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, interrupts, tickNs, sliceNs, shortIdleNs, s);
    }

    public SimSpec withTimes(long warmup, long measure) {
        return new SimSpec(profile, model, crypto, ratePps, arrivals, sizes, warmup, measure, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, interrupts, tickNs, sliceNs, shortIdleNs, seed);
    }

    public SimSpec withCrypto(CryptoDrivers c) {
        return new SimSpec(profile, model, c, ratePps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, interrupts, tickNs, sliceNs, shortIdleNs, seed);
    }

    public SimSpec withKernelPriority(Boolean k) {
        return new SimSpec(profile, model, crypto, ratePps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, k, interrupts, tickNs, sliceNs, shortIdleNs, seed);
    }

    public SimSpec withInterrupts(Interrupts i) {
        return new SimSpec(profile, model, crypto, ratePps, arrivals, sizes, warmupNs, measureNs, ringCapacity,
                coalescePackets, coalesceNs, budget, queueCapacity, socketCapacity, engineLatencyNs, engineRate,
                cryptoRing, cryptoCoalesceCount, cryptoCoalesceNs, autoThreshold, virtualWorkers, kernelPriority, i, tickNs, sliceNs, shortIdleNs, seed);
    }

    /** @return the driver the run uses */
    public CryptoDrivers effectiveCrypto() {
        CryptoDrivers c = crypto == null ? model.defaultCrypto() : crypto;
        if (c == CryptoDrivers.AUTO) {
            return sizes.mean() >= autoThreshold ? CryptoDrivers.OFFLOAD : CryptoDrivers.SOFTWARE;
        }
        return c;
    }

    /** @return true if the devices' interrupts run on the host CPU */
    public boolean interruptsOnHost() {
        if (model.interruptsOnHost()) {
            return true;
        }
        return switch (interrupts) {
            case HOST -> true;
            case DEVICE -> false;
            case AUTO -> profile.cpus() < 2;
        };
    }

    /**
     * @return whether the wire runs flat out beside an emulated card's engine on their device CPU: the
     *         maximum rate, with the devices on a CPU of their own and the wire's speed known ({@link
     *         #wireFrameNs}). Neither yields there, and the simulation runs both as threads of that CPU
     *         ({@link SimEngine#onDeviceCpu}); at a set rate the wire yields between frames, so a busy
     *         engine runs first
     */
    public boolean wireFlatOut() {
        return ratePps >= MAX_RATE && wireFrameNs() > 0;
    }

    /** @return whether kernel contexts run above the user in this run */
    public boolean effectiveKernelPriority() {
        boolean k = kernelPriority == null || kernelPriority;
        return k && model.kernelPriority();
    }

    /**
     * @return the offered rate: the given one, or for saturation as fast as the runtime's wire places
     *         frames when the devices are emulated on a CPU of their own and the profile says how fast
     *         that is ({@code wire_frame}), else four times what one CPU could take if dispatch cost
     *         nothing (every stage, the cipher when in software, the user's read)
     */
    public double offeredPps() {
        if (ratePps < MAX_RATE) {
            return ratePps;
        }
        double wire = wireFrameNs();
        if (wire > 0) {
            // a wire faster than the runtime's would keep the ring full where the runtime's receiving
            // thread empties it and sleeps, and hand that thread more frames than it gets
            return 1e9 / wire;
        }
        return Math.max(1000, 4e9 / Math.max(pathNs(effectiveCrypto() == CryptoDrivers.SOFTWARE), 1));
    }

    /**
     * @return the emulated wire's CPU per frame placed ({@code wire_frame}, ns) when the devices are
     *         threads on a CPU of their own and the profile has the figure, else 0 (a real wire, or one
     *         the profile does not time): the fastest the wire writes frames, at the maximum rate and
     *         when it catches up on frames it owes
     */
    public double wireFrameNs() {
        double wire = profile.value(CostParam.WIRE_FRAME);
        return wire > 0 && !interruptsOnHost() ? wire : 0;
    }

    /**
     * @return the emulated wire's CPU per frame the full ring refuses ({@code wire_refusal}, ns, or
     *         {@code wire_frame} where the profile gives 0), when {@link #wireFrameNs} is not 0; else 0
     */
    public double wireRefusalNs() {
        double frame = wireFrameNs();
        double refusal = profile.value(CostParam.WIRE_REFUSAL);
        return frame > 0 && refusal > 0 ? refusal : frame;
    }

    /**
     * @param cipher with the cipher in software on the host
     * @return what one packet of the mean size costs the host if dispatch cost nothing, ns: every stage
     *         and the user's read and copy, and the cipher when asked
     */
    public double pathNs(boolean cipher) {
        double bytes = sizes.mean();
        double ns = profile.value(CostParam.STAGE_RX) + profile.value(CostParam.STAGE_IP)
                + profile.value(CostParam.STAGE_ESP) + profile.value(CostParam.STAGE_DELIVER)
                + profile.value(CostParam.SYSCALL) + profile.value(CostParam.USER_COPY_PER_BYTE) * bytes;
        if (cipher) {
            ns += profile.value(CostParam.CRYPTO_FIXED) + profile.value(CostParam.CRYPTO_PER_BYTE) * bytes;
        }
        return ns;
    }
}
