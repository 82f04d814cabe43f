package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

/** The driver contract for the offload driver with one engine thread. */
class OffloadDriverOneEngineContractTest extends EngineDriverContract {

    @Override
    protected int engines() {
        return 1;
    }

    @Override
    protected CryptoDriverConfig config() {
        return super.config().withOffload(super.config().offload().withEngines(engines()));
    }

    @Override
    protected CryptoDriver create(CryptoDriverConfig config) {
        return CryptoDrivers.OFFLOAD.create(config);
    }

    @Override
    protected boolean inlineRunsInSubmitter(int payloadLength) {
        return false;
    }

    @Override
    protected EngineFaults faults(CryptoDriver d) {
        return ((OffloadDriver) d).faults();
    }

    @Override
    protected int expireOverdue(CryptoDriver d, StageContext c) {
        return ((OffloadDriver) d).expireOverdue(c);
    }

    @Override
    protected CryptoStatsSnapshot engineStats(CryptoDriver d) {
        return d.stats();
    }

    @Override
    protected CryptoStatus whenRingFull() {
        return CryptoStatus.QUEUE_FULL;
    }
}
