package dev.dispatchlab.blast;

import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generator's bounds: its duration bounds the run even when the rate cannot be reached; rates have a ceiling. */
class BlasterLimitsTest {

    /**
     * A clock that moves a millisecond every time it is read stands for a sender far slower than its
     * rate: at 1e8 datagrams/s a 20 ms run has 31,250 batches due, but only about ten readings fit before
     * the end. A sender that catches up on late batches past the end sends them all; one bounded by
     * its duration stops after a few.
     */
    @Test
    void aSenderBehindItsRateStopsAtTheEndOfItsDuration() throws Exception {
        AtomicLong now = new AtomicLong();
        Clock slow = () -> now.addAndGet(1_000_000);
        Workload w = new Workload(SizeMix.fixed(64), 1, 1, CipherSuite.AES128_GCM, false, true, 0, 0, 0, 1,
                Workload.DEFAULT_PORT);
        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Blaster b = new Blaster(new BlastConfig((InetSocketAddress) sink.getLocalSocketAddress(), w, 1e8,
                     20_000_000, -1, 64, 1, 1), slow)) {
            b.start(Thread.ofPlatform().name("blast-test-", 0).factory());
            assertThat(b.join(Duration.ofSeconds(60))).as("the sending thread ended").isTrue();
            assertThat(b.failure()).isNull();
            assertThat(b.sent()).as("datagrams sent in a 20 ms run read as 1 ms a step").isBetween(64L, 20L * 64);
        }
    }

    @Test
    void aRateAtOrAboveTheCeilingIsRefused() {
        Workload w = new Workload(SizeMix.fixed(64), 1, 1, CipherSuite.AES128_GCM, false, true, 0, 0, 0, 1,
                Workload.DEFAULT_PORT);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4500);
        assertThatThrownBy(() -> new BlastConfig(target, w, 1e12, 1_000_000_000L, -1, 64, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
    }
}
