package dev.dispatchlab.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedBudgetTest {

    @Test
    void workersTakingTurnsEndAPassOncePerBudgetOfTheirItemsTogether() {
        // 256 workers taking one item each in turn, as the vthread model's do in overload: the set
        // ends a pass every 64 items, evenly, not 256 times in one round and then not for 63 rounds
        SharedBudget b = new SharedBudget(64);
        int workers = 256;
        List<Integer> ends = new ArrayList<>();
        for (int item = 1; item <= workers * 64 * 3; item++) {
            if (b.take()) {
                ends.add(item);
            }
        }
        assertThat(ends).hasSize(workers * 3);
        for (int i = 0; i < ends.size(); i++) {
            assertThat(ends.get(i)).as("end of pass %d", i).isEqualTo((i + 1) * 64);
        }
    }

    @Test
    void concurrentTakersEndExactlyOnePassPerBudget() throws InterruptedException {
        SharedBudget b = new SharedBudget(10);
        AtomicLong ends = new AtomicLong();
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 25_000; i++) {
                    if (b.take()) {
                        ends.incrementAndGet();
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(ends.get()).isEqualTo(10_000);
    }

    @Test
    void aBudgetOfOneEndsEveryPassAndZeroIsRefused() {
        SharedBudget one = new SharedBudget(1);
        assertThat(one.take()).isTrue();
        assertThat(one.take()).isTrue();
        assertThatThrownBy(() -> new SharedBudget(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("budget=0");
    }
}
