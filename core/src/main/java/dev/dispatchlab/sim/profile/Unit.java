package dev.dispatchlab.sim.profile;

import dev.dispatchlab.sim.profile.CostParam.Dimension;

/** The units a profile may give a cost in, with the dimension each belongs to and its conversion. */
public enum Unit {
    NS("ns", Dimension.TIME),
    US("us", Dimension.TIME),
    MS("ms", Dimension.TIME),
    CYCLES("cycles", Dimension.TIME),
    COUNT("count", Dimension.COUNT),
    MHZ("MHz", Dimension.FREQUENCY),
    NS_PER_BYTE("ns/byte", Dimension.TIME_PER_BYTE),
    CYCLES_PER_BYTE("cycles/byte", Dimension.TIME_PER_BYTE);

    private final String label;
    private final Dimension dimension;

    Unit(String label, Dimension dimension) {
        this.label = label;
        this.dimension = dimension;
    }

    public String label() {
        return label;
    }

    public Dimension dimension() {
        return dimension;
    }

    /** @return the unit written {@code label} in a file (exact spelling), or null */
    public static Unit byLabel(String label) {
        for (Unit u : values()) {
            if (u.label.equals(label)) {
                return u;
            }
        }
        return null;
    }

    /** @return the labels, for messages */
    public static String labels() {
        StringBuilder sb = new StringBuilder();
        for (Unit u : values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(u.label);
        }
        return sb.toString();
    }

    /**
     * Converts {@code v} in this unit to the simulator's unit of its dimension (ns, ns/byte, count, MHz).
     *
     * @param clockMhz the profile's clock, for {@code cycles}
     */
    public double toSim(double v, double clockMhz) {
        return switch (this) {
            case NS, NS_PER_BYTE, COUNT, MHZ -> v;
            case US -> v * 1e3;
            case MS -> v * 1e6;
            case CYCLES, CYCLES_PER_BYTE -> v * 1e3 / clockMhz;
        };
    }
}
