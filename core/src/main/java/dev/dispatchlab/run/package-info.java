/**
 * One measured run, and the machine's calibration.
 *
 * <h2>What</h2>
 * {@link dev.dispatchlab.run.Runner} assembles a run from a {@link dev.dispatchlab.run.RunSpec}: crypto
 * driver, receiver SAs, NIC, packet pool, the model's contexts, the receive path, the user socket and
 * thread, and the synthetic wire; places threads by {@link dev.dispatchlab.run.Placement}; warms up;
 * snapshots counters, the OS's per-thread switch and CPU counts and the latency histogram at the
 * start and the end of the measured interval; stops the wire, lets the path drain, stops the model,
 * drops whatever is left as {@code SHUTDOWN}; and checks the accounting of the whole run. The
 * {@link dev.dispatchlab.run.RunResult} carries every figure with every setting.
 * {@link dev.dispatchlab.run.BareCipher} is the bare JCA baseline measured beside the models, and
 * {@link dev.dispatchlab.run.Calibration} measures primitive and stage costs for the simulator.
 *
 * <h2>Why this order</h2>
 * Figures are differences between two snapshots taken while traffic flows, so start-up, JIT warm-up
 * and shutdown do not dilute them; the accounting instead covers everything, so that no packet can be
 * lost between the snapshots without the run failing.
 *
 * <h2>Not implemented</h2>
 * Runs in parallel (one at a time per process); repeated trials with confidence intervals (run the
 * command several times; medians are the project's practice).
 */
package dev.dispatchlab.run;
