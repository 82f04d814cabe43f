package dev.dispatchlab.crypto;

import dev.dispatchlab.device.InterruptLine;
import dev.dispatchlab.packet.StageContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses per request between running inline and queueing to the engine: a payload smaller than
 * {@link AutoConfig#engineMinBytes()} runs inline (a {@link SoftwareDriver} part); a larger one goes
 * to the engine (an {@link OffloadDriver} part) unless {@link AutoConfig#maxEngineDepth()} descriptors
 * already wait or the ring refuses it, and then runs inline too. A request is never refused with
 * QUEUE_FULL: a full engine is what the inline path is for. This is the policy of a stack that has
 * a card but knows the handoff costs more than the cipher for small packets.
 *
 * <p>Where the continuation runs follows the route: an INLINE continuation of an inline request runs
 * in the submitter, that of an engine request in the completion interrupt's handler. Its
 * {@link #stats()} reports the routing counts and thresholds, with the two parts' own figures as
 * {@code parts}. The completion interrupt, {@link #drainCompletions} and {@link #faults()} are the
 * engine part's.
 *
 * <p>Threading: as {@link OffloadDriver}.
 */
public final class AutoDriver implements CryptoDriver {

    private final String name;
    private final AutoConfig auto;
    private final SoftwareDriver software;
    private final OffloadDriver offload;
    private final DriverLedger ledger;

    public AutoDriver(CryptoDriverConfig config) {
        this("auto", config);
    }

    AutoDriver(String name, CryptoDriverConfig config) {
        this.name = name;
        this.auto = config.auto();
        this.ledger = new DriverLedger(name, config.clock(), false);
        this.software = new SoftwareDriver(name + "/software", config);
        this.offload = new OffloadDriver(name + "/offload", config);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void submit(CryptoRequest r, StageContext submitter) {
        DriverLedger.Row row = ledger.row(submitter);
        DriverLedger.inc(row, CryptoCounter.SUBMIT_CALLS);
        DriverLedger.Row engineRow = offload.ledgerRow(submitter);
        if (toEngine(r, submitter, row, engineRow)) {
            DriverLedger.inc(engineRow, CryptoCounter.SUBMIT_CALLS);
            offload.doorbell(1, submitter, engineRow);
        } else {
            runInline(r, submitter);
        }
    }

    @Override
    public void submitBatch(CryptoRequest[] batch, int count, StageContext submitter) {
        DriverLedger.Row row = ledger.row(submitter);
        DriverLedger.inc(row, CryptoCounter.SUBMIT_CALLS);
        DriverLedger.Row engineRow = offload.ledgerRow(submitter);
        int queued = 0;
        for (int i = 0; i < count; i++) {
            if (toEngine(batch[i], submitter, row, engineRow)) {
                queued++;
            } else {
                runInline(batch[i], submitter);
            }
        }
        if (queued > 0) {
            DriverLedger.inc(engineRow, CryptoCounter.SUBMIT_CALLS);
            offload.doorbell(queued, submitter, engineRow);
        }
    }

    /** @return true if {@code r} was queued to the engine; false if it must run inline (counted either way) */
    private boolean toEngine(CryptoRequest r, StageContext ctx, DriverLedger.Row row, DriverLedger.Row engineRow) {
        DriverLedger.inc(row, CryptoCounter.SUBMITTED);
        if (r.payloadLength() < auto.engineMinBytes()) {
            DriverLedger.inc(row, CryptoCounter.ROUTED_INLINE);
            return false;
        }
        if (offload.queueDepth() < auto.maxEngineDepth() && offload.enqueue(r, ctx, engineRow)) {
            DriverLedger.inc(row, CryptoCounter.ROUTED_ENGINE);
            return true;
        }
        DriverLedger.inc(row, CryptoCounter.FALLBACK_INLINE);
        return false;
    }

    private void runInline(CryptoRequest r, StageContext ctx) {
        if (offload.isShutDown()) {
            offload.refuse(r, ctx, offload.ledgerRow(ctx)); // shut down: ENGINE_FAILURE, as the offload driver answers
        } else {
            software.run(r, ctx, software.row(ctx));
        }
    }

    /** @return the engine part's fault hooks */
    public EngineFaults faults() {
        return offload.faults();
    }

    /** @return descriptors waiting in the engine part's submission ring */
    public int queueDepth() {
        return offload.queueDepth();
    }

    /** Forwards to the engine part: see {@link OffloadDriver#expireOverdue}. */
    public int expireOverdue(StageContext ctx) {
        return offload.expireOverdue(ctx);
    }

    @Override
    public void sessionClosed(CryptoSession s) {
        offload.sessionClosed(s);
    }

    @Override
    public boolean hasCompletionInterrupt() {
        return true;
    }

    @Override
    public void connectInterrupt(InterruptLine line) {
        offload.connectInterrupt(line);
    }

    @Override
    public int drainCompletions(StageContext ctx, int budget) {
        return offload.drainCompletions(ctx, budget);
    }

    @Override
    public boolean completionsPending() {
        return offload.completionsPending();
    }

    /**
     * The routing counts and thresholds at the top; completions, batches, high water and latency
     * summed or taken from the parts, which are listed whole under {@code parts}.
     */
    @Override
    public CryptoStatsSnapshot stats() {
        CryptoStatsSnapshot own = ledger.snapshot(Map.of(), List.of());
        CryptoStatsSnapshot sw = software.stats();
        CryptoStatsSnapshot hw = offload.stats();
        Map<String, Long> completed = new LinkedHashMap<>();
        long done = 0;
        for (CryptoStatus st : CryptoStatus.values()) {
            if (st != CryptoStatus.PENDING) {
                long v = sw.completed(st) + hw.completed(st);
                completed.put(st.label(), v);
                done += v;
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>(auto.describe());
        settings.put("engineShare", own.submitted() == 0 ? 0.0
                : (double) own.event(CryptoCounter.ROUTED_ENGINE) / own.submitted());
        return new CryptoStatsSnapshot(name, own.submitted(), Math.max(0, own.submitted() - done), completed,
                own.events(), own.meanSubmitBatch(), hw.meanCompletionBatch(), hw.queueHighWater(), null, settings,
                List.of(sw, hw));
    }

    @Override
    public void shutdown(StageContext ctx) {
        offload.shutdown(ctx);
    }

    @Override
    public void close() {
        offload.close();
    }

    @Override
    public String toString() {
        return "AutoDriver{" + name + ", engineMinBytes=" + auto.engineMinBytes() + ", maxEngineDepth="
                + auto.maxEngineDepth() + '}';
    }
}
