package dev.dispatchlab.sim.model;

import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.sim.Costs;
import dev.dispatchlab.sim.IntQueue;
import dev.dispatchlab.sim.Machine;
import dev.dispatchlab.sim.ServiceThread;
import dev.dispatchlab.sim.SimCpu;
import dev.dispatchlab.sim.SimEngine;
import dev.dispatchlab.sim.SimNic;
import dev.dispatchlab.sim.UserProcess;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * How each simulated model is wired: the same shapes as the runtime's models (see
 * {@code dispatch.models}), stage costs from the profile. Each method's comment draws the path.
 */
final class Wiring {

    private Wiring() {
    }

    /** A source over a queue of packets: per item a step of {@code cost}, then {@code done}. */
    interface Done {
        void run(int p, SimCpu cpu, ServiceThread self);
    }

    static ServiceThread.Source queueSource(IntQueue q, ToLongFunction<Integer> cost, Done done) {
        return source(() -> !q.isEmpty(), q::poll, cost, done);
    }

    static ServiceThread.Source nicSource(SimNic nic, ToLongFunction<Integer> cost, Done done) {
        return source(nic::hasWork, nic::poll, cost, done);
    }

    static ServiceThread.Source completionSource(SimEngine engine, ToLongFunction<Integer> cost, Done done) {
        return source(engine::hasCompletions, engine::poll, cost, done);
    }

    /** Per packet that {@code poll} gives while {@code hasWork}: a step of {@code cost}, then {@code done}. */
    private static ServiceThread.Source source(BooleanSupplier hasWork, IntSupplier poll, ToLongFunction<Integer> cost,
                                               Done done) {
        return new ServiceThread.Source() {
            @Override
            public boolean hasWork() {
                return hasWork.getAsBoolean();
            }

            @Override
            public void start(SimCpu cpu, ServiceThread self) {
                int p = poll.getAsInt();
                cpu.work(cost.applyAsLong(p), () -> done.run(p, cpu, self));
            }
        };
    }

    /** The NIC's interrupt masks the ring and wakes {@code t}, which polls it. */
    static void maskAndWake(SimEnv env, ServiceThread t) {
        SimNic nic = env.nic();
        nic.connect(cpu -> {
            nic.mask();
            env.machine().wake(t, cpu);
            return 0;
        });
    }

    /** An interrupt handler that only wakes {@code t}. */
    static SimCpu.Irq wakes(Machine m, ServiceThread t) {
        return cpu -> {
            m.wake(t, cpu);
            return 0;
        };
    }

    /** Re-enables the ring's interrupt when a pass found nothing, re-checking for frames that came meanwhile. */
    static ServiceThread.Rearm rearm(SimNic nic) {
        return () -> {
            nic.enable();
            if (nic.hasWork()) {
                nic.mask();
                return true;
            }
            return false;
        };
    }

    /** ip + esp, and with the software driver the cipher too. */
    static long ipEsp(SimEnv env, int p) {
        Costs c = env.costs();
        return c.ip + c.esp + (env.softwareCrypto() ? c.crypto(env.machine().bytes(p)) : 0);
    }

    /** Every stage of the path, to the socket (software cipher inline); with the card, up to the submit. */
    static long toCompletion(SimEnv env, int p) {
        Costs c = env.costs();
        return c.rx + ipEsp(env, p) + (env.softwareCrypto() ? c.deliver : 0);
    }

    /** After ip+esp: the socket (software) or the card (asynchronous). */
    static void afterEsp(SimEnv env, int p, SimCpu cpu, ServiceThread self) {
        if (env.softwareCrypto()) {
            self.toUser(p);
        } else {
            env.engine().submit(p, cpu);
        }
    }

    static boolean offer(Machine m, IntQueue q, int p, DropReason full) {
        if (!q.offer(p)) {
            m.drop(p, full);
            return false;
        }
        m.handoff();
        return true;
    }

    /**
     * push: NIC ithread (rx, ipintrq) → softnet thread (ip, esp, submit) → card → crypto ithread
     * (queue the completion to softnet) → softnet (deliver) → user. Software driver: softnet runs the
     * cipher and delivers.
     */
    static void push(SimEnv env) {
        Machine m = env.machine();
        Costs c = env.costs();
        SimNic nic = env.nic();
        IntQueue ipintrq = new IntQueue(env.queueCapacity());
        IntQueue compq = new IntQueue(env.queueCapacity());
        ServiceThread softnet = m.thread(new ServiceThread(m, "softnet/0", env.kernelThreadPriority(), 10, false))
                .user(env.user());
        softnet.add(queueSource(ipintrq, p -> ipEsp(env, p) + (env.softwareCrypto() ? c.deliver : 0),
                (p, cpu, self) -> afterEsp(env, p, cpu, self)), env.budget());
        softnet.add(queueSource(compq, p -> c.deliver, (p, cpu, self) -> self.toUser(p)), env.budget());
        ServiceThread ith = m.thread(new ServiceThread(m, "nic-ithread/0", env.ithreadPriority(), 1, false))
                .user(env.user());
        ith.add(nicSource(nic, p -> c.rx + c.softintSchedule, (p, cpu, self) -> {
            if (offer(m, ipintrq, p, DropReason.BACKLOG_FULL)) {
                m.wake(softnet, cpu);
            }
        }), env.budget());
        ith.rearm(rearm(nic));
        maskAndWake(env, ith);
        if (env.engine() != null) {
            ServiceThread cith = m.thread(new ServiceThread(m, "crypto-ithread", env.ithreadPriority(), 1, false))
                    .user(env.user());
            cith.add(completionSource(env.engine(), p -> c.cardHalf + c.continuation + c.softintSchedule, (p, cpu, self) -> {
                if (offer(m, compq, p, DropReason.BACKLOG_FULL)) {
                    m.wake(softnet, cpu);
                }
            }), env.budget());
            env.engine().connect(wakes(m, cith));
        }
    }

    /** ithread: NIC ithread (rx, ip, esp, submit) → card → crypto ithread (deliver) → user. */
    static void ithread(SimEnv env) {
        Machine m = env.machine();
        Costs c = env.costs();
        SimNic nic = env.nic();
        ServiceThread ith = m.thread(new ServiceThread(m, "nic-ithread/0", env.ithreadPriority(), 1, false))
                .user(env.user());
        ith.add(nicSource(nic, p -> toCompletion(env, p), (p, cpu, self) -> afterEsp(env, p, cpu, self)), env.budget());
        ith.rearm(rearm(nic));
        maskAndWake(env, ith);
        if (env.engine() != null) {
            ServiceThread cith = m.thread(new ServiceThread(m, "crypto-ithread", env.ithreadPriority(), 1, false))
                    .user(env.user());
            cith.add(completionSource(env.engine(), p -> c.cardHalf + c.deliver, (p, cpu, self) -> self.toUser(p)), env.budget());
            env.engine().connect(wakes(m, cith));
        }
    }

    /**
     * puller (and busypoll with {@code spin}): the interrupt masks the ring and wakes the puller, which
     * runs every stage to completion under its budget and re-enables when the ring is empty. With the
     * card, the puller also drains completions (the card's interrupt wakes it). Busy polling keeps the
     * ring masked and spins.
     */
    static void puller(SimEnv env, boolean spin) {
        Machine m = env.machine();
        Costs c = env.costs();
        SimNic nic = env.nic();
        ServiceThread puller = m.thread(new ServiceThread(m, spin ? "busypoll/0" : "puller/0",
                env.kernelThreadPriority(), 1, spin)).user(env.user());
        if (env.engine() != null) {
            puller.add(completionSource(env.engine(), p -> c.cardHalf + c.deliver, (p, cpu, self) -> self.toUser(p)), env.budget());
        }
        puller.add(nicSource(nic, p -> toCompletion(env, p), (p, cpu, self) -> afterEsp(env, p, cpu, self)),
                env.budget());
        if (spin) {
            nic.mask();
            nic.onMaskedArrival(() -> m.cpu.kick());
            if (env.engine() != null) {
                env.engine().connect(cpu -> {
                    m.cpu.kick();
                    return 0;
                });
            }
            m.wake(puller, m.cpu);
            return;
        }
        puller.rearm(rearm(nic));
        maskAndWake(env, puller);
        if (env.engine() != null) {
            env.engine().connect(wakes(m, puller));
        }
    }

    /**
     * kcont: the NIC's hard interrupt masks the ring and schedules the rx continuation on kcont/0,
     * which polls the ring under its budget (rx, ip, esp, submit) and re-enables when empty; the card's
     * hard interrupt schedules each completion's continuation on kcont/0 (deliver) → user.
     */
    static void kcont(SimEnv env) {
        Machine m = env.machine();
        Costs c = env.costs();
        SimNic nic = env.nic();
        IntQueue contq = new IntQueue(env.queueCapacity());
        boolean[] rxScheduled = {false};
        ServiceThread k = m.thread(new ServiceThread(m, "kcont/0", env.kernelThreadPriority(), 10, false))
                .user(env.user());
        ServiceThread.Source rx = new ServiceThread.Source() {
            @Override
            public boolean hasWork() {
                if (!rxScheduled[0]) {
                    return false;
                }
                if (nic.hasWork()) {
                    return true;
                }
                rxScheduled[0] = false;
                nic.enable();
                if (nic.hasWork()) {
                    nic.mask();
                    rxScheduled[0] = true;
                    return true;
                }
                return false;
            }

            @Override
            public void start(SimCpu cpu, ServiceThread self) {
                int p = nic.poll();
                cpu.work(toCompletion(env, p), () -> afterEsp(env, p, cpu, self));
            }
        };
        k.add(rx, env.budget());
        k.add(queueSource(contq, p -> c.cardHalf + c.deliver + c.continuation, (p, cpu, self) -> self.toUser(p)), env.budget());
        nic.connect(cpu -> {
            nic.mask();
            rxScheduled[0] = true;
            m.wake(k, cpu);
            return cpu == null ? 0 : c.continuation;
        });
        if (env.engine() != null) {
            SimEngine e = env.engine();
            e.connect(cpu -> {
                int n = 0;
                int p;
                while ((p = e.poll()) >= 0) {
                    n++;
                    offer(m, contq, p, DropReason.BACKLOG_FULL);
                }
                m.wake(k, cpu);
                return cpu == null ? 0 : n * c.continuation;
            });
        }
    }

    /**
     * vthread: one carrier runs the virtual threads. Software driver: the rx worker runs every stage to
     * completion. Card: the rx worker takes frames (rx) and hands each to a virtual worker (an unpark);
     * the worker runs ip, esp, submits and parks; the card's interrupt rings the rx worker, which hands
     * each completion to its waiting worker (an unpark), which delivers. The OS sees the carrier sleep
     * only when no virtual thread is runnable. The user's wakeup goes out as the runtime's workers send
     * it: when a worker finds the inbox empty (about to wait), or when a worker has delivered a budget
     * of its own packets since its last pass ended (the workers' counts are staggered, so one of them
     * gets there about every budget deliveries), and before the carrier sleeps. At the user's priority,
     * as the runtime runs it, the carrier looks for work for the profile's {@code carrier_spin} of its
     * own CPU before it parks (the JDK's ForkJoinPool spins about 6.3 us here): work that comes within it
     * costs no switch, and the user it woke on the way preempts it while it spins. The work it looks for
     * is a runnable virtual thread, not the card's completion ring: the rx worker drains that ring on
     * each of its rounds, but once it has parked (its NIC ring empty and no completion waiting) only a
     * line unparks it, its ring's or the card's interrupt, so a completion the card has posted and not
     * yet signalled (the interrupt is coalesced) waits for the interrupt even while the carrier spins.
     */
    static void vthread(SimEnv env) {
        Machine m = env.machine();
        Costs c = env.costs();
        SimNic nic = env.nic();
        boolean card = env.engine() != null;
        ServiceThread carrier = m.thread(new ServiceThread(m, "carrier/0", env.kernelThreadPriority(), card ? 0 : 1,
                false)).user(env.user());
        // The JDK's carrier looks for work before it parks, at the user's priority as the runtime runs it; a
        // kernel's carrier above the user would starve it while it spins, and parks at once.
        carrier.spinBeforeSleep(env.kernelThreadPriority() == 0 ? c.carrierSpin : 0);
        boolean[] rxAwake = {true}; // the rx worker runs its rounds: not parked since a line last rang it
        SimCpu.Irq line = cpu -> { // the rx worker's line, rung by its ring and by the card: it wakes
            rxAwake[0] = true;
            m.wake(carrier, cpu);
            return 0;
        };
        if (!card) {
            carrier.add(nicSource(nic, p -> toCompletion(env, p), (p, cpu, self) -> self.toUser(p)), env.budget());
        } else {
            // Each virtual worker holds one packet from the inbox until its completion is delivered; the
            // carrier runs every runnable worker before the rx worker, which yields after a budget of
            // frames, comes round again: per pass, up to all the workers' completions and as many inbox
            // packets as there are idle workers, against a budget of frames.
            int workers = env.virtualWorkers();
            int[] busy = {0};
            // The workers share one pass budget (the runtime's SharedBudget): together they end a pass,
            // and the user's wakeup the ending worker holds goes out, once per budget of packets, not
            // every budget x workers.
            carrier.flushEveryDeliveries(env.budget());
            IntQueue inbox = new IntQueue(env.queueCapacity());
            SimEngine e = env.engine();
            carrier.add(source(() -> rxAwake[0] && e.hasCompletions(), e::poll,
                    p -> c.cardHalf + c.vthreadParkUnpark + c.deliver, (p, cpu, self) -> {
                        busy[0]--;
                        self.toUser(p);
                    }), workers);
            carrier.add(nicSource(nic, p -> c.rx + c.vthreadParkUnpark,
                    (p, cpu, self) -> offer(m, inbox, p, DropReason.BACKLOG_FULL)), env.budget());
            carrier.add(source(() -> {
                if (inbox.isEmpty()) {
                    carrier.requestFlush(); // a worker finds nothing to take: its pass ends
                    return false;
                }
                return busy[0] < workers;
            }, inbox::poll, p -> c.ip + c.esp + c.vthreadParkUnpark, (p, cpu, self) -> {
                if (env.engine().submit(p, cpu)) {
                    busy[0]++;
                }
            }), workers);
            e.connect(line);
        }
        ServiceThread.Rearm ring = rearm(nic);
        carrier.rearm(() -> {
            if (ring.rearm()) {
                return true;
            }
            rxAwake[0] = false; // nothing on the ring, no completion drained: the rx worker parks
            return false;
        });
        nic.connect(cpu -> {
            nic.mask();
            return line.handle(cpu);
        });
    }

    /**
     * classic, the 2007 BSD path: the NIC's hard interrupt drains the ring on the interrupted context
     * (rx, ipintrq, schedule softnet); the fast softint runs ip, esp and submits on the same borrowed
     * context; the card's completion interrupt queues the completions and schedules a softint, which
     * delivers to the socket and wakes the user. No thread switch until the user's.
     */
    static void classic(SimEnv env) {
        Machine m = env.machine();
        Costs c = env.costs();
        SimNic nic = env.nic();
        UserProcess user = env.user();
        IntQueue ipintrq = new IntQueue(env.queueCapacity());
        IntQueue crpq = new IntQueue(env.queueCapacity());
        SimCpu.FastSoftint ipintr = (cpu, first) -> {
            int p = ipintrq.poll();
            if (p < 0) {
                return false;
            }
            long cost = (first ? c.softintDispatch : 0) + ipEsp(env, p) + (env.softwareCrypto() ? c.deliver : 0);
            cpu.work(cost, () -> {
                if (env.softwareCrypto()) {
                    toUserNow(m, user, p, cpu);
                } else {
                    env.engine().submit(p, cpu);
                }
            });
            return true;
        };
        nic.connect(cpu -> {
            long cost = 0;
            int p;
            int n = 0;
            while ((p = nic.poll()) >= 0) {
                cost += c.rx;
                if (offer(m, ipintrq, p, DropReason.BACKLOG_FULL)) {
                    n++;
                }
            }
            if (n > 0) {
                cpu.scheduleSoftint(ipintr);
                cost += c.softintSchedule;
            }
            return cost;
        });
        if (env.engine() != null) {
            SimEngine e = env.engine();
            SimCpu.FastSoftint cryptoret = (cpu, first) -> {
                int p = crpq.poll();
                if (p < 0) {
                    return false;
                }
                cpu.work((first ? c.softintDispatch : 0) + c.deliver, () -> toUserNow(m, user, p, cpu));
                return true;
            };
            e.connect(cpu -> {
                long cost = 0;
                int p;
                while ((p = e.poll()) >= 0) {
                    cost += c.cardHalf + c.continuation;
                    offer(m, crpq, p, DropReason.BACKLOG_FULL);
                }
                cpu.scheduleSoftint(cryptoret);
                return cost + c.softintSchedule;
            });
        }
    }

    /** sorwakeup: the socket's reader is woken at once (interrupt-level code does not batch). */
    private static void toUserNow(Machine m, UserProcess user, int p, SimCpu cpu) {
        if (user.enqueue(p)) {
            m.wake(user, cpu);
        }
    }

}
