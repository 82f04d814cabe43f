package dev.dispatchlab.sim;

import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.profile.ProfileException;
import dev.dispatchlab.sim.profile.ProfileLoader;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Test profiles and files. */
public final class SimFixtures {

    private SimFixtures() {
    }

    public static Path resource(String name) {
        try {
            return Path.of(SimFixtures.class.getResource("/sim/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A one-CPU machine with round, distinct figures (src/test/resources/sim/testbox.json). */
    public static Profile testbox() {
        return profile("testbox.json");
    }

    /**
     * The costs the scheduler experiments (Pair, Nap) were fitted with: this machine's profile as shipped
     * until 2026-12-08, from a calibration on the kernel Pair's Linux figures come from
     * (src/test/resources/sim/experiments-v1272.json). Fixed, so that the fits do not move when the
     * shipped {@code this-machine} follows a newer calibration.
     */
    public static Profile experiments() {
        return profile("experiments-v1272.json");
    }

    /** @return the profile file {@code name} of src/test/resources/sim/ */
    private static Profile profile(String name) {
        try {
            return ProfileLoader.loadFile(resource(name));
        } catch (ProfileException e) {
            throw new IllegalStateException(e);
        }
    }
}
