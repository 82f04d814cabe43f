package dev.dispatchlab.sim;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator against {@code scripts/experiments/Nap.java} on this machine (Linux 6.18.44-fc-v1300,
 * EEVDF, HZ=250; 2026-12-07): a puller near saturation in miniature. A device on the other CPU marks
 * work every PERIOD and wakes the puller if it sleeps; the puller works WORK (a pass), wakes the user,
 * spends 0.5 us (re-enabling the interrupt) and sleeps unless more work came; the user runs RUN each
 * time it is woken. {@code java scripts/experiments/Nap.java PERIOD 9000 500 5000} there, per run of
 * the user, the puller slept and was preempted: 0.005 and 0.996 times at 14 us, 0.335 and 0.865 at 20,
 * 0.546 and 0.827 at 24, 0.692 and 0.694 at 30.
 *
 * <p>With the delayed sleeper requeued against the running thread's runtime as last accounted (as
 * Linux does) and each switch's cost drawn around its figure ({@code switch_spread}), the simulation on
 * the profile it was fitted with ({@link SimFixtures#experiments()}, this machine's as shipped until
 * 2026-12-08) follows the turn from the puller never sleeping to sleeping. The scheduler before
 * (a delayed sleeper requeued level with the waker's current runtime, every switch alike) gave 0.499
 * and 0.501 at 14 us and 1.000 and 0.000 at 30: at the period of the runs near saturation its user
 * preempted the puller half as often as Linux's.
 *
 * <p>Fourteen more points, measured on 2026-12-07 with other periods, passes and runs, show what the
 * fair shares alone miss: where the puller sleeps every round, Linux's user still preempts it most of
 * the time if the CPU idled only briefly before the puller was woken (0.52 to 0.90), and hardly ever if
 * it idled longer (0.03 to 0.09). The shares give 0.000 at all of them; {@link SimCpu}'s short idle,
 * {@link SimCpu#LINUX_SHORT_IDLE_NS}, brings the mean miss in preemptions over the eighteen points from
 * 0.34 to 0.17 (at 30 us it would be 0.23, at 20 us 0.29). It overshoots at 30 us with 9 us passes
 * (0.996 against 0.694): a threshold decides each round one way where Linux goes either way.
 */
class NapExperimentTest {

    private static final long NS = 1_000L; // ps

    private static final class Puller extends SimThread {
        private final Machine m;
        private final long work;
        private final long check;
        SimThread user;
        boolean pending;
        long passes;
        private boolean checking;

        Puller(Machine m, long work, long check) {
            super("puller", 0, true);
            this.m = m;
            this.work = work;
            this.check = check;
        }

        @Override
        protected Outcome step(SimCpu cpu) {
            if (checking) {
                checking = false;
                cpu.work(check, () -> { });
                return Outcome.WORKED;
            }
            if (!pending) {
                return Outcome.SLEEP;
            }
            pending = false;
            passes++;
            cpu.work(work, () -> {
                m.wake(user, cpu);
                checking = true;
            });
            return Outcome.WORKED;
        }
    }

    private static final class User extends SimThread {
        private final long run;
        long runs;
        private boolean woken = true;

        User(long run) {
            super("user", 0, true);
            this.run = run;
        }

        @Override
        protected Outcome step(SimCpu cpu) {
            if (woken) {
                woken = false;
                runs++;
                cpu.work(run, () -> { });
                return Outcome.WORKED;
            }
            woken = true;
            return Outcome.SLEEP;
        }
    }

    /** Nap's four periods (us) and Linux's sleeps and preemptions of the puller per run of the user there. */
    private static final long[] PERIODS_US = {14, 20, 24, 30};
    private static final double[] LINUX_SLEPT = {0.005, 0.335, 0.546, 0.692};
    private static final double[] LINUX_PREEMPTED = {0.996, 0.865, 0.827, 0.694};

    @Test
    void thePullerIsPreemptedAboutAsOftenAsOnLinux() throws Exception {
        double error = 0;
        for (int i = 0; i < PERIODS_US.length; i++) {
            double[] f = nap(PERIODS_US[i], 9_000, 5_000, SimCpu.LINUX_SHORT_IDLE_NS);
            System.out.printf("nap %d us: per user run the puller slept %.3f (Linux %.3f) and was preempted %.3f "
                    + "(Linux %.3f)%n", PERIODS_US[i], f[0], LINUX_SLEPT[i], f[1], LINUX_PREEMPTED[i]);
            error += Math.abs(f[0] - LINUX_SLEPT[i]) + Math.abs(f[1] - LINUX_PREEMPTED[i]);
            if (PERIODS_US[i] == 14) {
                // the cycle (about 21 us with its switches) is longer than the period: Linux's puller never sleeps
                assertThat(f[0]).as("sleeps per user run at 14 us").isLessThan(0.05);
                assertThat(f[1]).as("preemptions per user run at 14 us").isGreaterThan(0.95);
            }
        }
        // the mean miss over the four periods, sleeps and preemptions together (the scheduler before: 0.85)
        assertThat(error / PERIODS_US.length).as("mean miss per period").isLessThan(0.35);
    }

    /**
     * Each point: period (us), pass (ns), the user's run (ns), and Linux's preemptions of the puller per
     * run of the user ({@code java scripts/experiments/Nap.java PERIOD PASS 500 RUN}, 2026-12-07). The
     * first four are the periods above; the puller sleeps every round in all the others.
     */
    private static final double[][] POINTS = {
            {14, 9_000, 5_000, 0.996}, {20, 9_000, 5_000, 0.865}, {24, 9_000, 5_000, 0.827},
            {30, 9_000, 5_000, 0.694},
            {48, 15_000, 2_000, 0.737}, {48, 15_000, 200, 0.726}, {48, 20_000, 2_000, 0.895}, {40, 7_000, 2_000, 0.728},
            {56, 23_000, 2_000, 0.792}, {36, 3_000, 2_000, 0.556}, {30, 3_000, 2_000, 0.524},
            {48, 11_000, 2_000, 0.207},
            {48, 8_000, 2_000, 0.058}, {48, 5_000, 2_000, 0.094}, {48, 2_000, 2_000, 0.037}, {72, 15_000, 2_000, 0.052},
            {100, 15_000, 2_000, 0.062}, {200, 15_000, 2_000, 0.033}};

    @Test
    void aPullerWokenAfterAShortIdleIsPreemptedByTheUserItWakes() throws Exception {
        double withRule = 0;
        double sharesOnly = 0;
        for (double[] pt : POINTS) {
            long period = (long) pt[0];
            long pass = (long) pt[1];
            long run = (long) pt[2];
            double linux = pt[3];
            double p = nap(period, pass, run, SimCpu.LINUX_SHORT_IDLE_NS)[1];
            double s = nap(period, pass, run, 0)[1];
            System.out.printf("nap %d us, pass %d ns, run %d ns: preempted %.3f (shares only %.3f, Linux %.3f)%n",
                    period, pass, run, p, s, linux);
            withRule += Math.abs(p - linux);
            sharesOnly += Math.abs(s - linux);
            if (linux > 0.5) {
                assertThat(p).as("preemptions at %d us, pass %d ns (Linux %.3f)", period, pass, linux)
                        .isGreaterThan(0.5);
            } else if (linux < 0.1) {
                assertThat(p).as("preemptions at %d us, pass %d ns (Linux %.3f)", period, pass, linux)
                        .isLessThan(0.15);
            }
        }
        withRule /= POINTS.length;
        sharesOnly /= POINTS.length;
        assertThat(withRule).as("mean miss in preemptions with the short idle").isLessThan(0.25);
        assertThat(withRule).as("against the shares alone (%.3f)", sharesOnly).isLessThan(sharesOnly - 0.1);
    }

    /** @return the puller's sleeps and preemptions per run of the user over a simulated second */
    private static double[] nap(long periodUs, long passNs, long runNs, long shortIdleNs) throws Exception {
        Simulation sim = new Simulation(new SplittableRandom(1));
        // the scheduler validate uses for this machine: HZ=250, the kernel's 1.4 ms slice, its short idle
        Machine m = new Machine(sim, new Costs(SimFixtures.experiments()), 4_000_000 * NS,
                1_400_000 * NS, shortIdleNs * NS, false);
        Puller p = m.thread(new Puller(m, passNs * NS, 500 * NS));
        User u = m.thread(new User(runNs * NS));
        p.user = u;
        long period = periodUs * 1_000 * NS;
        Simulation.Event[] device = new Simulation.Event[1];
        device[0] = () -> {
            p.pending = true; // marks work pending and wakes the puller if it sleeps
            m.wake(p, null);
            sim.after(period, Simulation.Order.DEVICE, device[0]);
        };
        sim.after(period, Simulation.Order.DEVICE, device[0]);
        sim.runUntil(1_000_000_000 * NS);
        assertThat(u.runs).as("user runs").isGreaterThan(1_000);
        return new double[] {p.voluntary() / (double) u.runs, p.involuntary() / (double) u.runs};
    }
}
