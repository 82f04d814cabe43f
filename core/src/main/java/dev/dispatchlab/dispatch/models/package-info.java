/**
 * The dispatch models: which execution context runs which stage, built from the primitives of
 * {@code dispatch}.
 *
 * <pre>
 *   push      ring ─► nic-ithread ─ipintrq─► softnet ─submit─► engine ─► crypto-ithread ─► softnet ─► user
 *   ithread   ring ─► nic-ithread ─submit─► engine ─► crypto-ithread (to the socket) ─► user
 *   puller    ring ─(interrupt masked while polling)─► puller: every stage to completion ─► user
 *   kcont     ring ─hard intr─► kcont/c: rx continuation ─submit─► engine ─hard intr─► kcont/c ─► user
 *   vthread   ring ─► rx virtual worker ─inbox─► virtual workers (wait for crypto, park) ─► user
 *   busypoll  ring ◄─spins─ poller: every stage to completion ─► user (spinning)
 * </pre>
 *
 * <h2>Adding a model</h2>
 * Write a class extending {@link dev.dispatchlab.dispatch.models.ModelRuntime}: create its parts in
 * the constructor, connect the NIC rings' and the crypto driver's interrupt lines in {@code wire()},
 * register its stage contexts and its crypto routing; then add one constant to
 * {@link dev.dispatchlab.dispatch.models.DispatchModels}. The runner, the commands, the reports and
 * the contract test suite pick it up from the enum.
 *
 * <h2>Conventions every model keeps</h2>
 * Kernel-side contexts batch their wakeups of the user until the end of each pass
 * ({@code StageContext.batchWakeups}); they may run at real-time priority above the user thread, as
 * a kernel's do (not busypoll, which never sleeps); queues between contexts are bounded and a full one
 * drops with a named reason; every thread stops on {@code stop()} after draining.
 */
package dev.dispatchlab.dispatch.models;
