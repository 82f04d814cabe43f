package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.PacketBuffer;
import dev.dispatchlab.packet.StageContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver contract for the auto driver: small payloads inline, large ones on its engine, and a
 * full engine ring falls back inline instead of refusing.
 */
class AutoDriverContractTest extends EngineDriverContract {

    @Override
    protected int engines() {
        return 1;
    }

    @Override
    protected CryptoDriver create(CryptoDriverConfig config) {
        return CryptoDrivers.AUTO.create(config);
    }

    @Override
    protected boolean inlineRunsInSubmitter(int payloadLength) {
        return payloadLength < config().auto().engineMinBytes();
    }

    @Override
    protected EngineFaults faults(CryptoDriver d) {
        return ((AutoDriver) d).faults();
    }

    @Override
    protected int expireOverdue(CryptoDriver d, StageContext c) {
        return ((AutoDriver) d).expireOverdue(c);
    }

    @Override
    protected CryptoStatsSnapshot engineStats(CryptoDriver d) {
        return d.stats().part(d.name() + "/offload");
    }

    @Override
    protected CryptoStatus whenRingFull() {
        return CryptoStatus.OK; // falls back inline
    }

    @Override
    protected CryptoDriverConfig config() {
        // a deep threshold so that the engine tests can fill the queue; the routing test below uses its own
        return super.config().withAuto(new AutoConfig(512, 1024));
    }

    @Test
    void routesBySizeAndFallsBackInlineWhenTheEngineQueueIsDeep() {
        CryptoDriver d = make(config().withAuto(new AutoConfig(512, 2)));
        CryptoSession s = d.newSession(EspFixture.gcm128());
        faults(d).stall();
        Probe held = new Probe();
        s.submit(EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN, EspFixture.sealed(s.params(), LARGE, 1))
                .then(held, CompletionTarget.INLINE), ctx);
        TestSupport.await(() -> faults(d).heldRequests() == 1);
        Probe[] queued = {new Probe(), new Probe()};
        for (int i = 0; i < 2; i++) { // queue depth 1, 2: the second reaches the threshold
            s.submit(EspFixture.describe(new CryptoRequest(), s, CryptoOp.OPEN,
                    EspFixture.sealed(s.params(), LARGE, 2 + i)).then(queued[i], CompletionTarget.INLINE), ctx);
        }
        PacketBuffer small = EspFixture.sealed(s.params(), SMALL, 9);
        assertThat(openSync(s, small, ctx)).isEqualTo(CryptoStatus.OK);      // inline by size
        PacketBuffer deep = EspFixture.sealed(s.params(), LARGE, 10);
        assertThat(openSync(s, deep, ctx)).isEqualTo(CryptoStatus.OK);       // inline: engine queue deep
        faults(d).resume();
        TestSupport.await(() -> held.calls.get() == 1 && queued[0].calls.get() == 1 && queued[1].calls.get() == 1);
        d.shutdown(ctx);
        CryptoStatsSnapshot st = d.stats();
        assertThat(st.event(CryptoCounter.ROUTED_INLINE)).isEqualTo(1);
        assertThat(st.event(CryptoCounter.ROUTED_ENGINE)).isEqualTo(3);
        assertThat(st.event(CryptoCounter.FALLBACK_INLINE)).isEqualTo(1);
        assertThat(st.settings()).containsEntry("engineMinBytes", 512).containsEntry("maxEngineDepth", 2);
        assertThat(st.part(d.name() + "/software").completed(CryptoStatus.OK)).isEqualTo(2);
        assertThat(st.part(d.name() + "/offload").completed(CryptoStatus.OK)).isEqualTo(3);
        assertThat(st.completed(CryptoStatus.OK)).isEqualTo(5);
        assertThat(st.inFlight()).isZero();
    }
}
