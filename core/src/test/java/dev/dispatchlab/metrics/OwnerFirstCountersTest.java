package dev.dispatchlab.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The owner's cells and the shared adders add up to every add, from one context or many. */
class OwnerFirstCountersTest {

    @Test
    void theOwnerAndTheOthersAreBothCounted() {
        OwnerFirstCounters c = new OwnerFirstCounters(2);
        c.add(3, 0, 1, 1, 100);   // slot 3 becomes the owner
        c.add(3, 0, 1, 1, 50);
        c.add(7, 0, 1, 1, 20);    // another context: the shared adders
        c.add(7, 1, 5);
        assertThat(c.sum(0)).isEqualTo(3);
        assertThat(c.sum(1)).isEqualTo(175);
    }

    @Test
    @Timeout(30)
    void concurrentContextsLoseNothing() throws InterruptedException {
        OwnerFirstCounters c = new OwnerFirstCounters(1);
        int threads = 4;
        int each = 200_000;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    c.add(slot, 0, 1);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(c.sum(0)).isEqualTo((long) threads * each);
    }
}
