package dev.dispatchlab.run;

import dev.dispatchlab.crypto.AutoConfig;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.crypto.OffloadConfig;
import dev.dispatchlab.device.ArrivalProcess;
import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.workload.Workload;

import java.time.Duration;

/**
 * Everything one run is made of, so that it can be repeated; printed and written with the result.
 *
 * @param model          the dispatch design
 * @param crypto         the crypto driver, or null for the model's own ({@link DispatchModel#defaultCrypto()})
 * @param offload        the emulated card's settings (offload and auto drivers)
 * @param auto           the auto driver's thresholds
 * @param workload       what traffic is offered
 * @param ratePps        offered packets per second; {@link #MAX_RATE} for "as fast as the wire can"
 * @param arrivals       constant or Poisson spacing
 * @param warmup         time before the measured interval
 * @param measure        the measured interval
 * @param rings          NIC receive rings
 * @param ringCapacity   descriptors per ring
 * @param coalescing     NIC interrupt coalescing (packets, delay)
 * @param budget         packets per context pass (NAPI weight)
 * @param idle           how waiting host contexts wait
 * @param queueCapacity  queues between contexts
 * @param socketCapacity the user socket's receive buffer, in packets
 * @param virtualWorkers virtual workers per ring (vthread)
 * @param replayWindow   inbound anti-replay window
 * @param verifyInnerChecksums verify inner UDP checksums after ESP (see stack.PathOptions)
 * @param placement      CPU placement
 * @param kernelPriority real-time priority (SCHED_FIFO) of the model's host contexts, above the user
 *                       thread as a kernel's interrupt and softint contexts are; 0 for none
 */
public record RunSpec(DispatchModel model, CryptoDrivers crypto, OffloadConfig offload, AutoConfig auto,
                      Workload workload, double ratePps, ArrivalProcess arrivals, Duration warmup, Duration measure,
                      int rings, int ringCapacity, Coalescing coalescing, int budget, IdleStrategy idle,
                      int queueCapacity, int socketCapacity, int virtualWorkers, int replayWindow,
                      boolean verifyInnerChecksums, Placement placement, int kernelPriority) {

    /** The rate that means "as fast as the wire can place packets" (saturation). */
    public static final double MAX_RATE = 1e9;

    public RunSpec {
        if (model == null || workload == null || arrivals == null || idle == null || placement == null
                || offload == null || auto == null || coalescing == null) {
            throw new IllegalArgumentException("incomplete run spec");
        }
        if (!(ratePps > 0) || warmup.isNegative() || measure.isNegative() || measure.isZero()) {
            throw new IllegalArgumentException("rate must be positive and the measured interval longer than 0: rate="
                    + ratePps + ", warmup=" + warmup + ", measure=" + measure);
        }
        if (rings < 1 || rings > 64 || ringCapacity < 2 || budget < 1 || queueCapacity < 2 || socketCapacity < 2
                || virtualWorkers < 1 || replayWindow < 0 || kernelPriority < 0 || kernelPriority > 99) {
            throw new IllegalArgumentException("bad sizes: rings=" + rings + ", ringCapacity=" + ringCapacity
                    + ", budget=" + budget + ", queueCapacity=" + queueCapacity + ", socketCapacity=" + socketCapacity
                    + ", virtualWorkers=" + virtualWorkers + ", replayWindow=" + replayWindow);
        }
    }

    /** @return the driver this run uses: the given one, or the model's own */
    public CryptoDrivers effectiveCrypto() {
        return crypto != null ? crypto : model.defaultCrypto();
    }

    /** @return true when the offered rate is "as fast as possible" */
    public boolean saturating() {
        return ratePps >= MAX_RATE;
    }

    public RunSpec withModel(DispatchModel m) {
        return new RunSpec(m, crypto, offload, auto, workload, ratePps, arrivals, warmup, measure, rings, ringCapacity,
                coalescing, budget, idle, queueCapacity, socketCapacity, virtualWorkers, replayWindow,
                verifyInnerChecksums, placement, kernelPriority);
    }

    public RunSpec withRate(double pps) {
        return new RunSpec(model, crypto, offload, auto, workload, pps, arrivals, warmup, measure, rings, ringCapacity,
                coalescing, budget, idle, queueCapacity, socketCapacity, virtualWorkers, replayWindow,
                verifyInnerChecksums, placement, kernelPriority);
    }

    public RunSpec withWorkload(Workload w) {
        return new RunSpec(model, crypto, offload, auto, w, ratePps, arrivals, warmup, measure, rings, ringCapacity,
                coalescing, budget, idle, queueCapacity, socketCapacity, virtualWorkers, replayWindow,
                verifyInnerChecksums, placement, kernelPriority);
    }

    public RunSpec withTimes(Duration w, Duration m) {
        return new RunSpec(model, crypto, offload, auto, workload, ratePps, arrivals, w, m, rings, ringCapacity,
                coalescing, budget, idle, queueCapacity, socketCapacity, virtualWorkers, replayWindow,
                verifyInnerChecksums, placement, kernelPriority);
    }

    public RunSpec withCrypto(CryptoDrivers c) {
        return new RunSpec(model, c, offload, auto, workload, ratePps, arrivals, warmup, measure, rings, ringCapacity,
                coalescing, budget, idle, queueCapacity, socketCapacity, virtualWorkers, replayWindow,
                verifyInnerChecksums, placement, kernelPriority);
    }

    public RunSpec withPlacement(Placement p) {
        return new RunSpec(model, crypto, offload, auto, workload, ratePps, arrivals, warmup, measure, rings, ringCapacity,
                coalescing, budget, idle, queueCapacity, socketCapacity, virtualWorkers, replayWindow,
                verifyInnerChecksums, p, kernelPriority);
    }
}
