/**
 * A discrete-event simulator of the dispatch models, so that designs can be compared on CPUs nobody
 * can run here (SPARC, m68k, VAX, MIPS, a Pentium Pro) with costs from published measurements, after
 * its predictions have been checked against the runtime on this machine ({@code validate}).
 *
 * <h2>Why a simulator, and why this one</h2>
 * The 2007 question was whether a threaded or puller design can be "about as good as NetBSD is now"
 * on machines where a thread switch costs tens to hundreds of microseconds. What decides it is
 * counting: how many interrupts, wakeups, switches and stage runs each design pays per packet, and
 * what each costs on the machine. The simulator runs the same shapes as the runtime's models (the
 * same threads, queues, budgets, masking, deferred wakeups) with every cost taken from a profile, so
 * the difference between two predictions is the difference between two designs, not two programs.
 *
 * <h2>What is modelled</h2>
 * <pre>
 *   Wire ──frames──► SimNic ring (drop: rx ring full) ──irq (coalesced, maskable)──┐
 *                                                                                   ▼
 *   SimCpu: [charged costs] ► [hard interrupts, FIFO] ► [fast softints] ► [threads by priority]
 *                 │ interrupts borrow the running context; threads pay a switch to run
 *                 ▼
 *   ServiceThread (ithread, softnet, puller, kcont, carrier): passes over sources under a budget
 *        │ ipintrq / continuation queue / inbox (drop: backlog full)
 *        ├─submit─► SimEngine (drop: crypto queue full) ──completion irq (coalesced)──► ...
 *        ▼
 *   UserProcess socket (drop: socket full) ──recv: syscall + copy──► delivered (latency → HdrHistogram)
 * </pre>
 * <ul>
 * <li><b>One host CPU</b> ({@link SimCpu}), stepping one unit of work at a time. Hard interrupts run
 *     on the interrupted context and pay {@code hard_interrupt}; fast soft interrupts run after them on
 *     the same borrowed context and pay {@code softint_dispatch} once per run; threads run by priority,
 *     with preemption at step boundaries, and share a priority fairly as Linux's EEVDF shares the
 *     CPU: virtual runtime, lag kept over a sleep, deadlines a slice apart, run to parity, delayed
 *     dequeue, and a used slice given up at the next tick, not at once. A thread pays its own way to
 *     sleep ({@code sleep}) as its waker pays the wakeup. A wakeup preempts the waker only when the waker has run ahead of its share or out of
 *     its slice (a thread that never sleeps; not one that has just woken, unless it has run past a
 *     thread that slept just before it, as in a chain of wakeups). A waker preempted by its wakeup is
 *     switched out inside the wakeup call, even when it was about to sleep; a thread's wakeups count
 *     in its own CPU time. A sleeper woken while its sleep is still delayed is placed against the
 *     waker's virtual runtime as last accounted, as Linux requeues it before bringing the running
 *     thread up to date, so a puller's user that slept just behind it preempts it at once (Nap.java).
 *     A thread switched in pays {@code context_switch}, and when another thread
 *     ran last, {@code switch_refill + window_spill_fill + tlb_misses_per_switch x
 *     tlb_refill}, each switch drawn around that figure by {@code switch_spread} from the run's seeded
 *     random (the near ties between two threads go either way, as on a machine). Switches are counted
 *     as the OS counts them: voluntary when a thread sleeps, involuntary when it is preempted.</li>
 * <li><b>Where interrupts run.</b> On a one-CPU profile the devices interrupt the host CPU. For this
 *     machine the runtime's wire and engine are threads on a CPU of their own, so their interrupt top
 *     halves cost the host nothing; a thread they wake becomes runnable after {@code cross_cpu_wakeup}
 *     when the host CPU is idle (the figure includes its exit from idle), and through an interrupt
 *     (the IPI, {@code hard_interrupt}) at its next step boundary when it is busy ({@link Machine}).</li>
 * <li><b>Devices</b>: the NIC ring with masking and coalescing ({@link SimNic}); the crypto card with
 *     its ring, latency, speed cap and coalesced completion interrupt, as the runtime's offload driver
 *     ({@link SimEngine}). On this machine the card is emulated: its engine spends its own CPU per
 *     request ({@code engine_per_request} plus the cipher); the host pays
 *     {@code card_host_per_request} per request, half at the submission and half with the completion,
 *     and {@code card_refusal} for each frame the full ring refuses.
 *     The engine and the wire share the device CPU ({@link SimWire}). At a set rate, where the wire
 *     yields between frames: while the engine holds it (from its wakeup, which reaches that busy CPU
 *     as an interrupt and a switch, through its work, the request latency and coalescing delay it
 *     spins out, and its idle polls, to its sleep and the wire's switch back in) the wire writes
 *     nothing, and then writes what it owes, so that frames arrive in bursts as in the runtime (there
 *     the wire's involuntary switches match the engine's wakeups and the NIC thread's). At the maximum
 *     rate neither yields, and both are threads of a second {@link SimCpu}, the device CPU
 *     ({@link Machine#deviceCpu}), scheduled as the host's threads are: how long each holds it, and how
 *     often the engine parks and preempts the wire again, come out of their work as in the runs
 *     ({@code validate --threads} sets their figures beside the runs' device threads). Flat out, the runtime's wire places a frame no faster than its
 *     {@code wire_frame}, and a run at the maximum rate is offered frames that far apart
 *     ({@link SimSpec#offeredPps}).</li>
 * <li><b>The user</b> reads its socket one packet per system call ({@link UserProcess}); kernel
 *     contexts defer its wakeup to the end of a pass (every pass for interrupt threads and pullers,
 *     every ten for softint and continuation contexts, always before sleeping; for the virtual-thread
 *     carrier with the card, when a worker finds the inbox empty or after a budget of packets per
 *     worker), as the runtime does;
 *     classic's softint wakes it at once (sorwakeup).</li>
 * </ul>
 *
 * <h2>What is not modelled</h2>
 * More than one host CPU or ring (the question is what one CPU sustains); lock contention, so a fast
 * softint never blocks and never pays the switch a blocking one would; caches beyond the per-switch
 * refill figure (a stage costs the same hot or cold); the JVM (allocation, JIT, GC); bad packets (every
 * frame is valid ESP); the card's timeout and faults; interrupts nesting inside a step (an interrupt
 * that arrives during a step runs when the step ends: a packet's stage is the granularity).
 *
 * <h2>How costs enter</h2>
 * Only through {@link Costs}, built from a {@link dev.dispatchlab.sim.profile.Profile}: every figure
 * in picoseconds. A step's cost is the sum of the profile figures of what it does (e.g. the push
 * softnet's first step is {@code stage_ip + stage_esp}); costs a context runs up between steps (a
 * wakeup it performs) are charged to the CPU and paid before its next choice. The hand-computed tests
 * sum the figures along a packet's path and find exactly the CPU time the simulation counts.
 *
 * <h2>Event ordering and determinism</h2>
 * {@link Simulation} orders events by (time, class, insertion sequence); the classes, lowest first,
 * are measurement boundaries, devices, interrupt raises and cross-CPU wakeups landing, CPU steps, and
 * scheduler ticks. The only randomness is the injected {@link java.util.SplittableRandom} (Poisson
 * arrivals), seeded from the run's seed. There is no static clock or simulator: each run builds its
 * own, so runs are independent and may run on several threads.
 *
 * <h2>Accounting</h2>
 * Every frame the wire offers is delivered or dropped with a reason. After the measured interval the
 * wire stops and the path drains (for up to two simulated seconds); anything still held is counted as
 * a {@code shutdown} drop, and the result records whether offered = delivered + dropped.
 *
 * <h2>Seeing the scheduler</h2>
 * A run can show its host CPU's wakeups and switches to a {@link dev.dispatchlab.sim.SchedEvents}
 * ({@link dev.dispatchlab.sim.SimRunner#run(SimSpec, SchedEvents)}); {@link dev.dispatchlab.sim.SchedTraceWriter}
 * writes them as the kernel's tracefs writes {@code sched_switch} and {@code sched_wakeup}, so that one
 * reader ({@code metrics.SchedTraceSummary}) sets a simulated run beside a real one, switch by switch
 * ({@code simulate --sched-trace}, {@code validate --sched-trace}). Without a listener the CPU pays one
 * null check per switch.
 */
package dev.dispatchlab.sim;
