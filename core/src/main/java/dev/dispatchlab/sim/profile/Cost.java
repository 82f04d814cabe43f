package dev.dispatchlab.sim.profile;

/**
 * One figure of a profile as the file gives it: value and range in {@link #unit}, with how it was
 * obtained and where it comes from.
 *
 * @param value  the figure, in {@code unit}
 * @param unit   its unit
 * @param kind   measured, derived, estimated or configured
 * @param source where it comes from, or the arithmetic
 * @param low    low end of the range, in {@code unit}; NaN without a range
 * @param high   high end of the range, in {@code unit}; NaN without a range
 */
public record Cost(double value, Unit unit, Kind kind, String source, double low, double high) {

    /** @return true if the figure carries a range (the sensitivity analysis varies it) */
    public boolean ranged() {
        return !Double.isNaN(low);
    }
}
