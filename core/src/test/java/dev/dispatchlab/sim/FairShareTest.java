package dev.dispatchlab.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CPU's fair-share scheduling between threads of one priority (see {@link SimCpu}): whether a
 * wakeup preempts the thread that sent it. The two cases are those of a small experiment on this
 * machine (Linux 6.18, EEVDF; two Java threads pinned to one CPU, counts from
 * {@code /proc/thread-self/status}): a waker that works 25 us between wakeups of a thread that runs
 * 5 us, and never sleeps itself, counted 76,344 involuntary switches against the sleeper's 76,310
 * runs; one that works 10 us and sleeps 200 us after each wakeup, 384 against 9,974.
 */
class FairShareTest {

    private static final long US = 1_000_000L; // ps

    /** Works {@code work} ps, wakes {@code other} if it sleeps, then sleeps {@code pause} ps (0: never). */
    private static final class Waker extends SimThread {
        private final Machine m;
        private final long work;
        private final long pause;
        SimThread other;
        long sent;
        private boolean sleepNext;

        Waker(Machine m, long work, long pause) {
            super("waker", 0, true);
            this.m = m;
            this.work = work;
            this.pause = pause;
        }

        @Override
        protected Outcome step(SimCpu cpu) {
            if (sleepNext) {
                sleepNext = false;
                m.sim.after(pause, Simulation.Order.TIMER, () -> m.wake(this, null));
                return Outcome.SLEEP;
            }
            cpu.work(work, () -> {
                if (m.wake(other, cpu)) {
                    sent++;
                }
                sleepNext = pause > 0;
            });
            return Outcome.WORKED;
        }
    }

    /** Runs {@code run} ps each time it is woken, then sleeps. */
    private static final class Sleeper extends SimThread {
        private final long run;
        private boolean ran;

        Sleeper(long run) {
            super("sleeper", 0, true);
            this.run = run;
        }

        @Override
        protected Outcome step(SimCpu cpu) {
            if (ran) {
                ran = false;
                return Outcome.SLEEP;
            }
            ran = true;
            cpu.work(run, null);
            return Outcome.WORKED;
        }
    }

    private record Counts(long sent, long wakerPreempted, long wakerSlept, long sleeperRuns) {
    }

    private static Counts run(long work, long pause, long run) {
        Simulation sim = new Simulation(new SplittableRandom(1));
        Machine m = new Machine(sim, new Costs(SimFixtures.testbox()), 3_000 * US, false);
        Waker w = m.thread(new Waker(m, work, pause));
        Sleeper s = m.thread(new Sleeper(run));
        w.other = s;
        m.wake(w, null);
        sim.runUntil(200_000 * US);
        return new Counts(w.sent, w.involuntary(), w.voluntary(), s.voluntary());
    }

    @Test
    void aWakerThatNeverSleepsIsPreemptedByTheThreadItWakes() {
        Counts c = run(25 * US, 0, 5 * US);

        assertThat(c.sent()).as("wakeups sent").isGreaterThan(1000);
        // it runs ahead of its share; the sleeper, placed by the lag it kept, is behind and picked
        assertThat((double) c.wakerPreempted() / c.sent()).as("share of wakeups that preempt the waker")
                .isGreaterThan(0.95);
        assertThat(c.wakerSlept()).isZero();
    }

    @Test
    void aWakerThatSleepsBetweenWakeupsRunsOnUntilItSleeps() {
        Counts c = run(10 * US, 200 * US, 5 * US);

        assertThat(c.sent()).as("wakeups sent").isGreaterThan(500);
        // just woken itself, it is within its share and its slice: the woken thread waits for it to sleep
        assertThat(c.wakerPreempted()).as("wakeups that preempted the waker").isLessThan(c.sent() / 20);
        assertThat(c.sleeperRuns()).as("the sleeper ran after every wakeup").isBetween(c.sent() - 1, c.sent());
    }
}
