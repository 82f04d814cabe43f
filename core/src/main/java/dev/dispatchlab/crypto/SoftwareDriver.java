package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.packet.StageContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The synchronous software driver: runs the JCA transform inline in the submitter's context, with
 * the submitter's per-context transform, and completes the request before {@code submit} returns.
 * This is what a run-to-completion path uses: no queue, no thread switch, no wakeup.
 *
 * <p>Cost over calling the transform directly: a few single-writer counter increments in the
 * submitter's ledger row, one striped add on the session and the call through the target; for a timed
 * request also a clock read on each side and a histogram record. Requests are timed one in
 * {@link CryptoDriverConfig#inlineLatencySampling()} per context (their submit and complete stamps
 * are 0 otherwise). No allocation. Measured in the bench module, {@code SoftwareDriverBench}.
 *
 * <p>Threading: any number of submitters; each uses its own slot's transform and ledger row.
 */
public final class SoftwareDriver implements CryptoDriver {

    private final String name;
    private final Clock clock;
    private final boolean timed;
    private final int sampling;
    private final DriverLedger ledger;

    /** A software driver on the real clock, latency recorded. */
    public SoftwareDriver() {
        this(CryptoDriverConfig.defaults());
    }

    public SoftwareDriver(CryptoDriverConfig config) {
        this("software", config);
    }

    SoftwareDriver(String name, CryptoDriverConfig config) {
        this.name = name;
        this.clock = config.clock();
        this.timed = config.recordLatency();
        this.sampling = config.inlineLatencySampling();
        this.ledger = new DriverLedger(name, clock, timed);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void submit(CryptoRequest r, StageContext submitter) {
        DriverLedger.Row row = ledger.row(submitter);
        DriverLedger.inc(row, CryptoCounter.SUBMIT_CALLS);
        run(r, submitter, row);
    }

    @Override
    public void submitBatch(CryptoRequest[] batch, int count, StageContext submitter) {
        DriverLedger.Row row = ledger.row(submitter);
        DriverLedger.inc(row, CryptoCounter.SUBMIT_CALLS);
        for (int i = 0; i < count; i++) {
            run(batch[i], submitter, row);
        }
    }

    /** Runs one request inline and completes it in {@code ctx}; also the auto driver's inline path. */
    void run(CryptoRequest r, StageContext ctx, DriverLedger.Row row) {
        boolean sample = timed && row.sampleDue(sampling);
        r.beginSubmit(sample ? clock.nanoTime() : 0);
        CryptoSession s = r.session();
        if (s.isClosed()) {
            r.status(CryptoStatus.SESSION_CLOSED);
        } else {
            s.transform(ctx.slot()).process(r);
        }
        DriverLedger.submittedAndCompleted(row, r, sample ? clock.nanoTime() : 0, sample);
        r.markDone();
        r.target().complete(r, ctx);
    }

    DriverLedger.Row row(StageContext ctx) {
        return ledger.row(ctx);
    }

    @Override
    public CryptoStatsSnapshot stats() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("mode", "inline in the submitter");
        settings.put("recordLatency", timed);
        settings.put("inlineLatencySampling", sampling);
        return ledger.snapshot(settings, List.of());
    }

    /** Nothing to stop: the driver has no threads and nothing in flight. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "SoftwareDriver{" + name + '}';
    }
}
