package dev.dispatchlab.dispatch;

/**
 * The family of {@link IdleStrategy idle strategies}: how a context with nothing to do waits for
 * its doorbell. None of them changes how many threads a model uses or where its handoffs are; they
 * trade CPU time against wakeup latency and context switches.
 *
 * <pre>
 *   strategy         while waiting               a ring costs the ringer    switches per wait
 *   PARK             sleeps at once              swap + unpark (futex)      2 (out, in)
 *   YIELD            sched_yield in a loop       swap                       0 when alone on its CPU
 *   SPIN             PAUSE in a loop (a CPU)     swap                       0
 *   SPIN_THEN_PARK   spins, yields, then sleeps  swap (+ unpark if asleep)  0 for short waits, else 2
 * </pre>
 */
public enum IdleStrategies implements IdleStrategy {

    /** Sleeps at once (LockSupport.park). No CPU while idle; each wait that sleeps costs a wakeup. */
    PARK("park") {
        @Override
        public boolean await(Doorbell bell) {
            return bell.parkUntilRung();
        }

        @Override
        public boolean mayPark() {
            return true;
        }
    },

    /**
     * Yields the CPU in a loop ({@link Thread#yield()}): never sleeps, so a ring never unparks, but
     * the thread stays runnable and burns what the scheduler gives it. Useful only with spare CPUs.
     */
    YIELD("yield") {
        @Override
        public boolean await(Doorbell bell) {
            while (!bell.consume()) {
                Thread.yield();
            }
            return false;
        }
    },

    /**
     * Spins ({@link Thread#onSpinWait()}): the lowest wakeup latency and no switches, paid for with a
     * whole CPU. The busy-poll limit; on a machine with fewer CPUs than spinning contexts it starves
     * the others.
     */
    SPIN("spin") {
        @Override
        public boolean await(Doorbell bell) {
            while (!bell.consume()) {
                Thread.onSpinWait();
            }
            return false;
        }
    },

    /**
     * Spins {@value #DEFAULT_SPINS} times, yields {@value #DEFAULT_YIELDS} times, then parks: no
     * switch when work comes back within a few microseconds, no CPU burnt when it does not. Other
     * phase lengths: {@link #spinThenPark(int, int)}.
     */
    SPIN_THEN_PARK("spin-then-park(" + IdleStrategies.DEFAULT_SPINS + "," + IdleStrategies.DEFAULT_YIELDS + ")") {
        @Override
        public boolean await(Doorbell bell) {
            return spinYieldPark(bell, DEFAULT_SPINS, DEFAULT_YIELDS);
        }

        @Override
        public boolean mayPark() {
            return true;
        }
    };

    /** Spin iterations of {@link #SPIN_THEN_PARK} (a PAUSE each: some tens of microseconds in all). */
    public static final int DEFAULT_SPINS = 2000;
    /** Yields of {@link #SPIN_THEN_PARK} after spinning. */
    public static final int DEFAULT_YIELDS = 20;

    private final String label;

    IdleStrategies(String label) {
        this.label = label;
    }

    @Override
    public boolean mayPark() {
        return false;
    }

    @Override
    public String label() {
        return label;
    }

    /**
     * @return a spin-then-park strategy with the given phase lengths (0 spins and 0 yields is {@link #PARK})
     */
    public static IdleStrategy spinThenPark(int spins, int yields) {
        if (spins < 0 || yields < 0) {
            throw new IllegalArgumentException("phase lengths must not be negative: spins=" + spins + ", yields=" + yields);
        }
        String label = "spin-then-park(" + spins + "," + yields + ")";
        return new IdleStrategy() {
            @Override
            public boolean await(Doorbell bell) {
                return spinYieldPark(bell, spins, yields);
            }

            @Override
            public boolean mayPark() {
                return true;
            }

            @Override
            public String label() {
                return label;
            }

            @Override
            public String toString() {
                return label;
            }
        };
    }

    /** @return the constant whose {@link #label()} or name is {@code s} (case-insensitive) */
    public static IdleStrategies parse(String s) {
        for (IdleStrategies v : values()) {
            if (v.name().equalsIgnoreCase(s) || v.label.equalsIgnoreCase(s) || v.name().replace('_', '-').equalsIgnoreCase(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown idle strategy: " + s + " (park, yield, spin, spin-then-park)");
    }

    private static boolean spinYieldPark(Doorbell bell, int spins, int yields) {
        for (int i = 0; i < spins; i++) {
            if (bell.consume()) {
                return false;
            }
            Thread.onSpinWait();
        }
        for (int i = 0; i < yields; i++) {
            if (bell.consume()) {
                return false;
            }
            Thread.yield();
        }
        return bell.parkUntilRung();
    }
}
