package dev.dispatchlab.sim.profile;

import java.util.Locale;

/** How a profile's figure was obtained; the report shows it beside every number. */
public enum Kind {
    /** Read in the cited source. */
    MEASURED,
    /** Arithmetic from measured figures; the source shows the arithmetic. */
    DERIVED,
    /** A judgement; must carry a range, which the sensitivity analysis varies. */
    ESTIMATED,
    /** A setting of the machine. */
    CONFIGURED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the kind written {@code s} in a file, or null */
    public static Kind byLabel(String s) {
        for (Kind k : values()) {
            if (k.label().equals(s)) {
                return k;
            }
        }
        return null;
    }
}
