package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.DropReason;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The card's descriptors, as the runtime's offload driver keeps them. */
class SimEngineTest {

    private static final long US = 1_000_000L; // ps

    @Test
    void aDescriptorIsFreeAgainOnlyOnceItsCompletionIsDrained() {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, new Costs(SimFixtures.testbox()), 4_000 * US, 1_500 * US, true);
        SimEngine card = new SimEngine(m, 4, 5_000, 0, 8, 10_000, false, 1.0, 4_000 * US);
        for (int i = 0; i < 4; i++) {
            assertThat(card.submit(m.newPacket(64), null)).isTrue();
        }
        sim.runUntil(100 * US); // all four done long since, none drained: the card is still full
        assertThat(card.hasCompletions()).isTrue();
        assertThat(card.inFlight()).isEqualTo(4);
        assertThat(card.submit(m.newPacket(64), null)).as("no descriptor free").isFalse();
        assertThat(m.drops()[DropReason.CRYPTO_QUEUE_FULL.ordinal()]).isEqualTo(1);

        assertThat(card.poll()).isNotNegative();
        assertThat(card.submit(m.newPacket(64), null)).as("one drained, one free").isTrue();
        assertThat(card.submit(m.newPacket(64), null)).isFalse();
        assertThat(m.drops()[DropReason.CRYPTO_QUEUE_FULL.ordinal()]).isEqualTo(2);
        assertThat(card.inFlight()).isEqualTo(4);
    }
}
