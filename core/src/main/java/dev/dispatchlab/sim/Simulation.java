package dev.dispatchlab.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The executive of one simulation: the simulated clock, the pending-event list and the run's random
 * source. There is no global clock or simulator: every part of a simulated machine holds the
 * {@code Simulation} it belongs to, so any number of simulations run side by side (the answer's
 * bisection runs them on several threads).
 *
 * <h2>Event order</h2>
 * Events run in order of (time, class, sequence): at equal times, a lower {@link Order class} first
 * (measurement boundaries, device events, interrupt raises and cross-CPU wakeups landing, CPU steps,
 * scheduler ticks), and within a class in the
 * order they were scheduled. The order is total, so a run is a function of its inputs and seed.
 *
 * <p>Time is in picoseconds ({@code long}): nanosecond costs below one nanosecond (a continuation's
 * two) keep their precision, and 2^63 ps is 106 days of simulated time.
 *
 * <p>Threading: confined to the thread that runs it.
 */
public final class Simulation {

    /** Tie-break classes of events at the same time, run lowest first. */
    public enum Order {
        /** Measurement boundaries: counts are read before anything else happens at that instant. */
        BOUNDARY,
        /** Devices: packet arrivals, engine completions, coalescing timers. */
        DEVICE,
        /** Interrupt raises and cross-CPU wakeups landing. */
        INTERRUPT,
        /** A CPU finishing a step or being kicked. */
        CPU,
        /** Scheduler ticks. */
        TIMER
    }

    /** Something that happens at a simulated time. */
    @FunctionalInterface
    public interface Event {
        void fire();
    }

    /** Picoseconds per nanosecond. */
    public static final long PS_PER_NS = 1000;

    private final SplittableRandom random;
    private long now;
    private long sequence;
    private long fired;
    private boolean stopped;

    // binary heap over parallel arrays, keyed by (time, order, seq)
    private long[] times = new long[1024];
    private long[] keys = new long[1024]; // order << 56 | seq
    private Event[] events = new Event[1024];
    private int size;

    /** @param random the run's random source; injected, so the seed decides the run */
    public Simulation(SplittableRandom random) {
        this.random = random;
    }

    /** @return the simulated time, picoseconds */
    public long now() {
        return now;
    }

    public SplittableRandom random() {
        return random;
    }

    /** @return events run so far */
    public long fired() {
        return fired;
    }

    /** Schedules {@code e} at {@code time} (not before now). */
    public void at(long time, Order order, Event e) {
        if (time < now) {
            throw new IllegalArgumentException("event in the past: time=" + time + ", now=" + now);
        }
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            keys = Arrays.copyOf(keys, n);
            events = Arrays.copyOf(events, n);
        }
        long key = ((long) order.ordinal() << 56) | (sequence++ & ((1L << 56) - 1));
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(time, key, times[parent], keys[parent])) {
                break;
            }
            times[i] = times[parent];
            keys[i] = keys[parent];
            events[i] = events[parent];
            i = parent;
        }
        times[i] = time;
        keys[i] = key;
        events[i] = e;
    }

    /** Schedules {@code e} {@code delay} picoseconds from now. */
    public void after(long delay, Order order, Event e) {
        at(now + delay, order, e);
    }

    private static boolean less(long t1, long k1, long t2, long k2) {
        return t1 < t2 || (t1 == t2 && k1 < k2);
    }

    /** Runs events until none is left, {@link #stop()} is called, or the next is after {@code until}. */
    public void runUntil(long until) {
        stopped = false;
        while (size > 0 && !stopped && times[0] <= until) {
            long t = times[0];
            Event e = events[0];
            removeTop();
            now = t;
            fired++;
            e.fire();
        }
        if (!stopped && now < until) {
            now = until; // nothing left before until: the clock moves on to it
        }
    }

    /** Ends the current {@link #runUntil} after the event that calls it. */
    public void stop() {
        stopped = true;
    }

    /** @return events pending */
    public int pending() {
        return size;
    }

    private void removeTop() {
        int last = --size;
        long t = times[last];
        long k = keys[last];
        Event e = events[last];
        events[last] = null;
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(times[right], keys[right], times[child], keys[child])) {
                child = right;
            }
            if (!less(times[child], keys[child], t, k)) {
                break;
            }
            times[i] = times[child];
            keys[i] = keys[child];
            events[i] = events[child];
            i = child;
        }
        if (size > 0) {
            times[i] = t;
            keys[i] = k;
            events[i] = e;
        }
    }
}
