package dev.dispatchlab.sim.profile;

import java.io.Serial;

/** A profile file that breaks a rule of the format; the message names the file and the key. */
public final class ProfileException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public ProfileException(String message) {
        super(message);
    }
}
