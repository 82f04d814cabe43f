package dev.dispatchlab.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator against {@code scripts/experiments/Pair.java} on this machine (Linux 6.18, EEVDF,
 * HZ=250; 2026-12-06): a producer that never runs out of work (a NIC thread at the maximum rate) and
 * the consumer it wakes (softnet), both on one CPU, the producer dropping items while the consumer's
 * queue of 4,096 is full. How often the consumer sleeps decides push's switches in overload.
 *
 * <p>A {@code sched_switch} trace of the runs shows the cycle the simulation has to follow: the
 * consumer drains the queue and sleeps with the lag it built while it waited; it then preempts the
 * producer on every item until that lag is spent; woken level with the producer, it waits until the
 * next tick, while the queue fills. On a second machine of the same kind (Linux 6.18.44-fc-v1300,
 * 2026-12-07) the same runs gave 0.220, 0.019 and 0.232. The simulation runs the same two threads on
 * this machine's profile as shipped until 2026-12-08, from a calibration on {@code v1272}
 * ({@link SimFixtures#experiments()}); it is held within a factor of two (or 0.015) of what Linux did on
 * each: it gives 0.160, 0.020 and 0.158. Before the delayed sleeper was requeued against the running
 * thread's runtime as last accounted and each switch's cost drawn around its figure, it gave 0.172,
 * 0.020 and 0.153 (the requeue alone, every switch alike: 0.974 in the third, a ping-pong the draws
 * break, as the machine's own variation does; with the 1.5 ms slice assumed before: 0.102, 0.020 and
 * 0.174). With the
 * scheduler as it was before the tick and the sleeper's own cost (turns at the end of a 4 ms slice, the
 * sleep path paid by the incoming thread), the same profile gave 0.209, 0.160 and 0.330.
 */
class PairExperimentTest {

    private static final long NS = 1_000L; // ps

    /** Never runs out: per item {@code cost}; drops it when the queue is full, else wakes the consumer. */
    private static final class Producer extends SimThread {
        private final Machine m;
        private final long cost;
        private final int capacity;
        SimThread consumer;
        long enqueued;
        long dequeued;

        Producer(Machine m, long cost, int capacity) {
            super("producer", 0, true);
            this.m = m;
            this.cost = cost;
            this.capacity = capacity;
        }

        @Override
        protected Outcome step(SimCpu cpu) {
            cpu.work(cost, () -> {
                if (enqueued - dequeued < capacity) {
                    enqueued++;
                    m.wake(consumer, cpu);
                }
            });
            return Outcome.WORKED;
        }
    }

    /** Per item {@code cost}; sleeps when the queue is empty. */
    private static final class Consumer extends SimThread {
        private final Producer producer;
        private final long cost;

        Consumer(Producer producer, long cost) {
            super("consumer", 0, true);
            this.producer = producer;
            this.cost = cost;
        }

        @Override
        protected Outcome step(SimCpu cpu) {
            if (producer.dequeued < producer.enqueued) {
                cpu.work(cost, () -> producer.dequeued++);
                return Outcome.WORKED;
            }
            return Outcome.SLEEP;
        }
    }

    @ParameterizedTest(name = "produce {0} ns, consume {1} ns: Linux's consumer slept {2} and {3} times per item")
    @CsvSource({"70, 160, 0.094, 0.220", "200, 400, 0.008, 0.019", "200, 150, 0.098, 0.232"})
    void theConsumerSleepsAboutAsOftenAsOnLinux(long produceNs, long consumeNs, double linux, double linuxLater)
            throws Exception {
        Simulation sim = new Simulation(new SplittableRandom(1));
        // the scheduler validate uses for this machine: HZ=250, the kernel's 1.4 ms slice
        Machine m = new Machine(sim, new Costs(SimFixtures.experiments()), 4_000_000 * NS,
                1_400_000 * NS, false);
        Producer p = m.thread(new Producer(m, produceNs * NS, 4096));
        Consumer c = m.thread(new Consumer(p, consumeNs * NS));
        p.consumer = c;
        m.wake(p, null);
        sim.runUntil(1_000_000_000 * NS);

        assertThat(p.dequeued).as("items consumed").isGreaterThan(100_000);
        double sleeps = c.voluntary() / (double) p.dequeued;
        System.out.printf("pair %d/%d: consumer sleeps %.4f per item (Linux %.3f and %.3f)%n", produceNs, consumeNs,
                sleeps, linux, linuxLater);
        // within a factor of two of each machine's, or 0.015 (a tenth of a sleep per 7 items, where Linux's are rare)
        for (double l : new double[] {linux, linuxLater}) {
            if (Math.abs(sleeps - l) > 0.015) {
                assertThat(sleeps).as("consumer's sleeps per item against Linux's " + l).isBetween(l / 2, l * 2);
            }
        }
        assertThat(p.voluntary()).as("the producer never sleeps").isZero();
    }
}
