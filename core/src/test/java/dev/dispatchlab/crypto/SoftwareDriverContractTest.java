package dev.dispatchlab.crypto;

import dev.dispatchlab.metrics.ManualClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void inlineLatencyIsSampledOneInNPerContext() {
        ManualClock clock = new ManualClock();
        CryptoDriver d = make(config().withClock(clock).withInlineLatencySampling(4));
        CryptoSession s = d.newSession(EspFixture.gcm128());
        for (int i = 0; i < 8; i++) {
            assertThat(openSync(s, EspFixture.sealed(s.params(), SMALL, i), ctx)).isEqualTo(CryptoStatus.OK);
        }
        CryptoStatsSnapshot st = d.stats();
        assertThat(st.completed(CryptoStatus.OK)).isEqualTo(8);
        assertThat(st.latency().count()).isEqualTo(2);
        assertThat(st.settings()).containsEntry("inlineLatencySampling", 4);
    }
}
