package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.DropReason;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated machine for one run: the host CPU, the threads on it, the packets in flight and
 * every count a result reports. Devices ({@link SimNic}, {@link SimEngine}) and the dispatch model
 * are built on it.
 *
 * <h2>Where interrupts run</h2>
 * With {@code interruptsOnHost} (a real machine: the NIC and the card interrupt the CPU), a raised
 * line becomes a hard interrupt on the host CPU. Without it (this machine as the runtime runs: the
 * wire and the engine are threads on a CPU of their own), the handler's effects happen at once on
 * the device side at no host cost, and the threads it wakes become runnable on the host (an idle
 * host CPU after the profile's {@code cross_cpu_wakeup}, a busy one through an interrupt:
 * {@link #wake}). {@link #raise} tells the device how many it woke; an emulated engine pays
 * {@code cross_cpu_waker} of its own time for each. The wire is not charged for the ones its frames'
 * interrupt sends: at a set rate it catches up on the frames it owes, flat out its ring is full, and
 * charging it changed no row of nine validations offline.
 *
 * <p>Threading: confined to the simulation's thread.
 */
public final class Machine {

    public final Simulation sim;
    public final Costs costs;
    public final SimCpu cpu;
    public final boolean interruptsOnHost;
    private final List<SimThread> threads = new ArrayList<>();

    // packets: ids recycled through a free stack
    private long[] arrival = new long[1024];
    private int[] bytes = new int[1024];
    private int[] free = new int[1024];
    private int freeTop;
    private int nextId;

    long offered;
    long delivered;
    long deliveredBytes;
    final long[] drops = new long[DropReason.count()];
    long handoffs;
    long hostWakeups;
    /** Host threads a device-side handler woke from sleep (each a wakeup its device thread sent). */
    private long deviceWakeups;
    long deviceInterrupts;
    final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    /** Who sees the scheduler's events, or null (the usual case: no cost). */
    private SchedEvents events;

    /** A machine whose host CPU has no short-idle rule ({@link SimCpu}). */
    public Machine(Simulation sim, Costs costs, long tickPs, long slicePs, boolean interruptsOnHost) {
        this(sim, costs, tickPs, slicePs, 0, interruptsOnHost);
    }

    /** @param shortIdlePs the host CPU's short idle ({@link SimCpu}'s {@code shortIdle}; 0: none) */
    public Machine(Simulation sim, Costs costs, long tickPs, long slicePs, long shortIdlePs, boolean interruptsOnHost) {
        this.sim = sim;
        this.costs = costs;
        this.cpu = new SimCpu(sim, costs, 0, tickPs, slicePs, shortIdlePs);
        this.tickPs = tickPs;
        this.slicePs = slicePs;
        this.interruptsOnHost = interruptsOnHost;
    }

    private SimCpu deviceCpu;
    private final long tickPs;
    private final long slicePs;

    /** @return the device CPU (made on first use): the emulated devices' threads, scheduled as the host's are */
    public SimCpu deviceCpu() {
        if (deviceCpu == null) {
            deviceCpu = new SimCpu(sim, costs, 1, tickPs, slicePs, 0);
            deviceCpu.events(events);
        }
        return deviceCpu;
    }

    /** Registers a device thread on the device CPU (sleeping until woken); not one of the host's threads. */
    public void deviceThread(SimThread t) {
        t.cpu = deviceCpu();
        deviceThreads.add(t);
        t.pid = DEVICE_PIDS + deviceThreads.size();
    }

    /** @return the device CPU's threads (none unless the wire and the card's engine run as threads) */
    public List<SimThread> deviceThreads() {
        return deviceThreads;
    }

    /** Device threads' pids in a trace start above this, clear of the host's. */
    private static final int DEVICE_PIDS = 1000;
    private final List<SimThread> deviceThreads = new ArrayList<>();

    /**
     * A host context rings a device thread's doorbell (its sender pays for it): the wakeup reaches the
     * busy device CPU as an interrupt, an idle one after {@code cross_cpu_wakeup}.
     */
    public void wakeDevice(SimThread t) {
        if (t.state != SimThread.State.SLEEPING) {
            return;
        }
        t.state = SimThread.State.RUNNABLE;
        t.wakeups++;
        fromOtherCpu(t, false, cpu.current());
    }

    /** Shows the scheduler's wakeups and switches from now on to {@code e} (null: to nobody). */
    public void events(SchedEvents e) {
        this.events = e;
        cpu.events(e);
        if (deviceCpu != null) {
            deviceCpu.events(e);
        }
    }

    /** Registers a thread on the host CPU (sleeping until woken). */
    public <T extends SimThread> T thread(T t) {
        t.cpu = cpu;
        threads.add(t);
        t.pid = threads.size();
        return t;
    }

    public List<SimThread> threads() {
        return threads;
    }

    /** A new packet arriving now with {@code size} payload bytes; counted offered. */
    public int newPacket(int size) {
        int id;
        if (freeTop > 0) {
            id = free[--freeTop];
        } else {
            id = nextId++;
            if (id == arrival.length) {
                arrival = Arrays.copyOf(arrival, id * 2);
                bytes = Arrays.copyOf(bytes, id * 2);
                free = Arrays.copyOf(free, id * 2);
            }
        }
        arrival[id] = sim.now();
        bytes[id] = size;
        offered++;
        return id;
    }

    public int bytes(int p) {
        return bytes[p];
    }

    public long arrival(int p) {
        return arrival[p];
    }

    /** Drops packet {@code p} for {@code reason}. */
    public void drop(int p, DropReason reason) {
        drops[reason.ordinal()]++;
        free[freeTop++] = p;
    }

    /** The user received {@code p}: latency from its arrival. */
    public void deliver(int p) {
        delivered++;
        deliveredBytes += bytes[p];
        latency.recordValue(Math.max(0, (sim.now() - arrival[p]) / Simulation.PS_PER_NS));
        free[freeTop++] = p;
    }

    /** Counts a packet or request moving from one context to another. */
    public void handoff() {
        handoffs++;
    }

    /** @return packets offered and neither delivered nor dropped */
    public long inFlight() {
        long d = 0;
        for (long x : drops) {
            d += x;
        }
        return offered - delivered - d;
    }

    /**
     * Wakes {@code t} if it sleeps. {@code waker} is the CPU whose context performs the wakeup and
     * pays {@code wakeup}, or null for a device (which pays nothing on the host). A device's wakeup
     * reaches a busy host CPU as an interrupt (entry and exit paid there) and makes the thread runnable
     * at once; an idle one after {@code cross_cpu_wakeup}.
     *
     * @return true if it slept
     */
    public boolean wake(SimThread t, SimCpu waker) {
        if (t.state != SimThread.State.SLEEPING) {
            if (t.polling() && t.cpu != null) {
                t.cpu.kick(); // it polls: it sees the work without a wakeup
            }
            return false;
        }
        t.wakeups++;
        if (t.host) {
            hostWakeups++;
        }
        if (waker != null) {
            t.state = SimThread.State.RUNNABLE;
            // placed by the waker's virtual runtime before the rest of its wakeup call
            runnable(t, false, waker.current());
            waker.charge(costs.wakeup);
        } else {
            deviceWakeups++;
            t.state = SimThread.State.RUNNABLE; // on its way: no second wakeup
            fromOtherCpu(t, true, null);
        }
        return true;
    }

    /**
     * A wakeup of {@code t} sent from another CPU reaches {@code t}'s: a busy CPU takes it as an
     * interrupt (the IPI) at its next step boundary; an idle one is woken first, after the measured
     * cross-CPU wakeup, whose ping-pong leaves the target CPU idle, so that its figure includes the exit
     * from idle.
     */
    private void fromOtherCpu(SimThread t, boolean fromDevice, SimThread waker) {
        SimCpu c = t.cpu;
        if (c.active()) {
            c.interrupt(x -> {
                runnable(t, fromDevice, waker);
                return 0;
            });
        } else {
            sim.after(costs.crossCpuWakeup, Simulation.Order.INTERRUPT, () -> runnable(t, fromDevice, waker));
        }
    }

    /** A wakeup of {@code t} reaches its CPU: it becomes runnable there (see {@link SchedEvents#wakeup}). */
    private void runnable(SimThread t, boolean fromDevice, SimThread waker) {
        if (events != null) {
            events.wakeup(sim.now(), fromDevice, waker, t);
        }
        t.cpu.enqueue(t);
    }

    /**
     * A device raises an interrupt whose handler is {@code irq}: on the host CPU as a hard interrupt,
     * or on the device side (see the class note), where the handler gets a null CPU.
     *
     * @return on the device side, how many sleeping host threads the handler woke: wakeups the device's
     *         thread sent to another CPU, each {@code cross_cpu_waker} of its own time; 0 on the host
     */
    public int raise(SimCpu.Irq irq) {
        if (interruptsOnHost) {
            cpu.interrupt(irq);
            return 0;
        } else {
            deviceInterrupts++;
            long before = deviceWakeups;
            irq.handle(null);
            return (int) (deviceWakeups - before);
        }
    }

    /**
     * Counts at one instant, for the measured interval's differences.
     *
     * @param threads       per thread of {@link #threads()}, in its order: voluntary and involuntary
     *                      switches, CPU (ns) and time waiting on a run queue (ns)
     * @param deviceThreads the same per thread of {@link #deviceThreads()}
     */
    public record Snapshot(long at, long offered, long delivered, long deliveredBytes, long[] drops, long handoffs,
                           long hostWakeups, long interrupts, long softintRuns, long voluntary, long involuntary,
                           long busyPs, long interruptPs, long[][] threads, long[][] deviceThreads) {
    }

    /** @return the counts now */
    public Snapshot snapshot() {
        cpu.settle();
        if (deviceCpu != null) {
            deviceCpu.settle();
        }
        long vol = 0;
        long inv = 0;
        for (SimThread t : threads) {
            if (t.host) {
                vol += t.voluntary;
                inv += t.involuntary;
            }
        }
        return new Snapshot(sim.now(), offered, delivered, deliveredBytes, drops.clone(), handoffs, hostWakeups,
                cpu.interrupts() + deviceInterrupts, cpu.softintRuns(), vol, inv, cpu.busyPs(), cpu.interruptPs(),
                counts(threads), counts(deviceThreads));
    }

    /** @return per thread: voluntary and involuntary switches, CPU (ns), run-queue wait (ns) */
    private long[][] counts(List<SimThread> ts) {
        long[][] each = new long[ts.size()][];
        for (int i = 0; i < each.length; i++) {
            SimThread t = ts.get(i);
            each[i] = new long[]{t.voluntary, t.involuntary, t.cpuPs() / Simulation.PS_PER_NS,
                    t.waitPs(sim.now()) / Simulation.PS_PER_NS};
        }
        return each;
    }

    public Histogram latency() {
        return latency;
    }

    public long offered() {
        return offered;
    }

    public long delivered() {
        return delivered;
    }

    public long[] drops() {
        return drops.clone();
    }
}
