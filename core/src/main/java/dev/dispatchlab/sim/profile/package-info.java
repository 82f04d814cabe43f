/**
 * Architecture profiles: one JSON file per machine, every figure with its unit, whether it was
 * measured, derived, estimated or configured, and its source; estimated figures carry a range, which
 * the answer's sensitivity analysis varies. The format is a contract between the simulator and the
 * files, enforced by {@link dev.dispatchlab.sim.profile.ProfileLoader} with one-line errors that
 * name the file and the key. Shipped profiles are resources under {@code dev/dispatchlab/sim/profiles};
 * this machine's is built from {@code calibrate}'s JSON by
 * {@link dev.dispatchlab.sim.profile.CalibratedProfile}, whose note says how each measurement maps to
 * a key and why the noisy stage differences become estimates.
 *
 * <p>Keys are the constants of {@link dev.dispatchlab.sim.profile.CostParam}; units convert to the
 * simulator's (ns, ns/byte, count, MHz), {@code cycles} with the profile's clock, so varying the clock
 * moves every figure given in cycles.
 */
package dev.dispatchlab.sim.profile;
