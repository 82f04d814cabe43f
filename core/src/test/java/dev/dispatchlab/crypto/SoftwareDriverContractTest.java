package dev.dispatchlab.crypto;

/** The driver contract for the synchronous software driver: everything completes in the submitter. */
class SoftwareDriverContractTest extends CryptoDriverContract {

    @Override
    protected CryptoDriver create(CryptoDriverConfig config) {
        return CryptoDrivers.SOFTWARE.create(config);
    }

    @Override
    protected boolean inlineRunsInSubmitter(int payloadLength) {
        return true;
    }
}
