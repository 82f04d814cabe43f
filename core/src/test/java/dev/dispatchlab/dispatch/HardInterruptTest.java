package dev.dispatchlab.dispatch;

import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HardInterruptTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void theHandlerRunsInTheRaisingThreadAtOnce() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (HardInterrupt intr = new HardInterrupt("nic0", (ctx, budget) -> {
            ranOn.set(Thread.currentThread());
            return 0;
        }, 8, clock)) {
            intr.raise();
            assertThat(ranOn.get()).isSameAs(Thread.currentThread());
            assertThat(intr.stage().counters().get(Counter.INTERRUPT)).isEqualTo(1);
            assertThat(intr.stage().name()).isEqualTo("intr/nic0");
        }
    }

    @Test
    void aMaskedLineIgnoresRaisesAndCountsThem() {
        List<String> runs = new ArrayList<>();
        try (HardInterrupt intr = new HardInterrupt("nic0", (ctx, budget) -> {
            runs.add("run");
            return 0;
        }, 8, clock)) {
            intr.mask();
            intr.raise();
            intr.raise();
            assertThat(runs).isEmpty();
            assertThat(intr.stage().counters().get(Counter.INTERRUPT_MASKED)).isEqualTo(2);
            intr.unmask();
            assertThat(runs).as("edge-triggered: nothing replayed on unmask").isEmpty();
            intr.raise();
            assertThat(runs).hasSize(1);
        }
    }

    @Test
    void aRaiseFromInsideTheHandlerRunsItOnceMoreInsteadOfNesting() {
        List<Integer> depths = new ArrayList<>();
        int[] depth = {0};
        AtomicReference<HardInterrupt> self = new AtomicReference<>();
        self.set(new HardInterrupt("nic0", (ctx, budget) -> {
            depth[0]++;
            depths.add(depth[0]);
            if (depths.size() == 1) {
                self.get().raise();
                self.get().raise();
            }
            depth[0]--;
            return 0;
        }, 8, clock));
        self.get().raise();
        assertThat(depths).containsExactly(1, 1);
        self.get().close();
    }

    @Test
    void connectedToARingItDrainsTheRingInTheDeviceThread() {
        try (TestDevice dev = new TestDevice(64, Coalescing.of(4, 1_000), clock);
             HardInterrupt intr = new HardInterrupt("nic0", dev::poll, 64, clock)) {
            dev.ring.connect(intr);
            dev.burst(3);
            assertThat(dev.consumed.get()).as("3 packets: below the coalescing count").isZero();
            dev.burst(1);
            assertThat(dev.consumed.get()).isEqualTo(4);
            assertThat(intr.stage().counters().get(Counter.INTERRUPT)).isEqualTo(1);
        }
    }
}
