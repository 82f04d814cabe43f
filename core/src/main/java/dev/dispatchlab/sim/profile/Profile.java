package dev.dispatchlab.sim.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An architecture profile: the costs of one machine's dispatch primitives and receive-path stages,
 * each with its unit, kind and source, as {@link ProfileLoader} read and checked them. Values are
 * handed to the simulator in its units by {@link #value}: nanoseconds for times, nanoseconds per byte,
 * counts, MHz. {@code cycles} convert with the profile's clock, so varying the clock
 * ({@link #withValue}) moves every figure given in cycles.
 *
 * <p>Immutable; {@link #withValue} returns a copy with one figure overridden (the sensitivity
 * analysis). Safe to share between threads.
 */
public final class Profile {

    private final String name;
    private final String title;
    private final int cpus;
    private final String notes;
    private final String origin;
    private final Map<CostParam, Cost> costs;
    /** Overrides in simulator units, NaN where none. */
    private final double[] overrides;
    private final double[] sim;

    public Profile(String name, String title, int cpus, String notes, String origin, Map<CostParam, Cost> costs) {
        this(name, title, cpus, notes, origin, new EnumMap<>(costs), nanArray());
    }

    private Profile(String name, String title, int cpus, String notes, String origin, EnumMap<CostParam, Cost> costs,
                    double[] overrides) {
        for (CostParam p : CostParam.values()) {
            if (!costs.containsKey(p)) {
                throw new IllegalArgumentException("profile " + name + ": no " + p.key());
            }
        }
        this.name = name;
        this.title = title;
        this.cpus = cpus;
        this.notes = notes;
        this.origin = origin;
        this.costs = Collections.unmodifiableMap(costs);
        this.overrides = overrides;
        this.sim = new double[CostParam.values().length];
        double clock = Double.isNaN(overrides[CostParam.CLOCK_MHZ.ordinal()])
                ? costs.get(CostParam.CLOCK_MHZ).value() : overrides[CostParam.CLOCK_MHZ.ordinal()];
        for (CostParam p : CostParam.values()) {
            double o = overrides[p.ordinal()];
            Cost c = costs.get(p);
            sim[p.ordinal()] = Double.isNaN(o) ? c.unit().toSim(c.value(), clock) : o;
        }
    }

    private static double[] nanArray() {
        double[] a = new double[CostParam.values().length];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    /** @return the machine's CPUs as the profile says (the simulator runs the host on one of them) */
    public int cpus() {
        return cpus;
    }

    public String notes() {
        return notes;
    }

    /** @return where the profile was read from (resource, file, or the calibration it was built from) */
    public String origin() {
        return origin;
    }

    /** @return the figures as the file gives them */
    public Map<CostParam, Cost> costs() {
        return costs;
    }

    /** @return {@code p} in the simulator's unit (ns, ns/byte, count, MHz), with any override */
    public double value(CostParam p) {
        return sim[p.ordinal()];
    }

    /** @return the low end of {@code p}'s range in simulator units, or its value if it has none */
    public double low(CostParam p) {
        Cost c = costs.get(p);
        return c.ranged() ? c.unit().toSim(c.low(), clockForRange(c)) : value(p);
    }

    /** @return the high end of {@code p}'s range in simulator units, or its value if it has none */
    public double high(CostParam p) {
        Cost c = costs.get(p);
        return c.ranged() ? c.unit().toSim(c.high(), clockForRange(c)) : value(p);
    }

    private double clockForRange(Cost c) {
        return value(CostParam.CLOCK_MHZ);
    }

    /** @return a copy with {@code p} set to {@code simValue} (simulator units) */
    public Profile withValue(CostParam p, double simValue) {
        if (!(simValue >= 0) || Double.isInfinite(simValue)) {
            throw new IllegalArgumentException(p.key() + ": a cost must be a finite number >= 0, got " + simValue);
        }
        if (p == CostParam.CLOCK_MHZ && !(simValue > 0)) {
            throw new IllegalArgumentException("clock_mhz must be above 0, got " + simValue);
        }
        double[] o = overrides.clone();
        o[p.ordinal()] = simValue;
        return new Profile(name, title, cpus, notes, origin, new EnumMap<>(costs), o);
    }

    /**
     * One end of one estimated cost's range: this profile with that cost set there and every other as
     * it is.
     *
     * @param high true for the range's high end
     */
    public record RangeEnd(CostParam cost, boolean high, Profile profile) {
        /** @return e.g. {@code "switch_refill high"} */
        public String label() {
            return cost.key() + (high ? " high" : " low");
        }
    }

    /**
     * @return for every cost with a range that is not a single point, this profile with that cost at its
     *         low end and then at its high end, one cost at a time, in the costs' order (a clock without
     *         a low end above 0 is left out)
     */
    public List<RangeEnd> rangeEnds() {
        List<RangeEnd> out = new ArrayList<>();
        for (Map.Entry<CostParam, Cost> e : costs.entrySet()) {
            CostParam p = e.getKey();
            if (!e.getValue().ranged() || low(p) == high(p) || (p == CostParam.CLOCK_MHZ && !(low(p) > 0))) {
                continue;
            }
            out.add(new RangeEnd(p, false, withValue(p, low(p))));
            out.add(new RangeEnd(p, true, withValue(p, high(p))));
        }
        return out;
    }

    /** @return true if any figure was overridden */
    public boolean modified() {
        for (double o : overrides) {
            if (!Double.isNaN(o)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Profile{" + name + ", " + title + '}';
    }
}
