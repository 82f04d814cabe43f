/**
 * The simulated dispatch models, one enum ({@link dev.dispatchlab.sim.model.SimModels}) implementing
 * one interface, like the runtime's {@code DispatchModels}. Each is wired in
 * {@code Wiring} after the runtime model of the same label (see {@code dispatch.models}):
 *
 * <pre>
 *   push      irq ─► nic-ithread (rx) ─ipintrq─► softnet (ip, esp, submit) ─► card ─irq─► crypto-ithread ─► softnet (deliver) ─► user
 *   ithread   irq ─► nic-ithread (rx, ip, esp, submit) ─► card ─irq─► crypto-ithread (deliver) ─► user
 *   puller    irq (masks) ─► puller: every stage to completion, drains completions too ─► user
 *   kcont     hard irq ─► kcont/0: rx continuation (rx, ip, esp, submit) ─► card ─hard irq─► kcont/0 (deliver) ─► user
 *   vthread   irq ─► carrier: rx worker ─inbox─► workers (ip, esp, park) ─► card ─irq─► worker (deliver) ─► user
 *   busypoll  poller spins on the masked ring, to completion; the user spins on its socket
 *   classic   hard irq (rx, ipintrq) ─► fast softint (ip, esp, submit) ─► card ─hard irq─► fast softint (deliver) ─► user
 * </pre>
 * {@code classic} is the 2007 BSD path: everything up to the socket runs on the interrupted context,
 * and the only thread switch is the user's. Kernel contexts run above the user unless the run says
 * otherwise (the runtime's default runs every thread at normal priority; validation does the same);
 * busypoll never does, as a spinning thread above the user would starve it.
 */
package dev.dispatchlab.sim.model;
