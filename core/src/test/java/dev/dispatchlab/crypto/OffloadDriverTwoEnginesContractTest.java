package dev.dispatchlab.crypto;

/** The driver contract for the offload driver with two engine threads sharing the rings. */
class OffloadDriverTwoEnginesContractTest extends OffloadDriverOneEngineContractTest {

    @Override
    protected int engines() {
        return 2;
    }
}
