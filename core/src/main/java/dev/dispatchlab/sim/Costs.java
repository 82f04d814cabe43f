package dev.dispatchlab.sim;

import dev.dispatchlab.sim.profile.CostParam;
import dev.dispatchlab.sim.profile.Profile;

/**
 * A profile's costs in picoseconds (per byte: picoseconds per byte), looked up once per run. The one
 * place where profile figures enter the engine.
 */
public final class Costs {

    public final long hardInterrupt;
    public final long contextSwitch;
    /** Paid by a thread switched in after a different thread ran: refill, window spill and fill, TLB misses. */
    public final long switchLocality;
    /** A switch's cost varies by this share of it: the relative standard deviation of each switch's draw. */
    public final double switchSpread;
    public final long wakeup;
    public final long sleep;
    public final long crossCpuWakeup;
    /** A device thread's own time per host thread its interrupt wakes. */
    public final long crossCpuWaker;
    public final long softintSchedule;
    public final long softintDispatch;
    public final long continuation;
    public final long vthreadParkUnpark;
    /** A virtual threads' carrier spins this long looking for work before it parks. */
    public final long carrierSpin;
    public final long syscall;
    public final long rx;
    public final long ip;
    public final long esp;
    public final long cryptoFixed;
    public final double cryptoPerByte;
    public final long deliver;
    public final double copyPerByte;
    /** Half the host's work per card request: charged at the submission, and again with the completion. */
    public final long cardHalf;
    /** Paid by the submitting context when the card refuses a request. */
    public final long cardRefusal;
    public final long enginePerRequest;
    public final long engineIdleSpin;

    public Costs(Profile p) {
        hardInterrupt = ps(p, CostParam.HARD_INTERRUPT);
        contextSwitch = ps(p, CostParam.CONTEXT_SWITCH);
        switchLocality = ps(p, CostParam.SWITCH_REFILL) + ps(p, CostParam.WINDOW_SPILL_FILL)
                + Math.round(p.value(CostParam.TLB_MISSES_PER_SWITCH) * p.value(CostParam.TLB_REFILL) * Simulation.PS_PER_NS);
        switchSpread = p.value(CostParam.SWITCH_SPREAD);
        wakeup = ps(p, CostParam.WAKEUP);
        sleep = ps(p, CostParam.SLEEP);
        crossCpuWakeup = ps(p, CostParam.CROSS_CPU_WAKEUP);
        crossCpuWaker = ps(p, CostParam.CROSS_CPU_WAKER);
        softintSchedule = ps(p, CostParam.SOFTINT_SCHEDULE);
        softintDispatch = ps(p, CostParam.SOFTINT_DISPATCH);
        continuation = ps(p, CostParam.CONTINUATION_DISPATCH);
        vthreadParkUnpark = ps(p, CostParam.VTHREAD_PARK_UNPARK);
        carrierSpin = ps(p, CostParam.CARRIER_SPIN);
        syscall = ps(p, CostParam.SYSCALL);
        rx = ps(p, CostParam.STAGE_RX);
        ip = ps(p, CostParam.STAGE_IP);
        esp = ps(p, CostParam.STAGE_ESP);
        cryptoFixed = ps(p, CostParam.CRYPTO_FIXED);
        cryptoPerByte = p.value(CostParam.CRYPTO_PER_BYTE) * Simulation.PS_PER_NS;
        deliver = ps(p, CostParam.STAGE_DELIVER);
        copyPerByte = p.value(CostParam.USER_COPY_PER_BYTE) * Simulation.PS_PER_NS;
        cardHalf = ps(p, CostParam.CARD_HOST_PER_REQUEST) / 2;
        cardRefusal = ps(p, CostParam.CARD_REFUSAL);
        enginePerRequest = ps(p, CostParam.ENGINE_PER_REQUEST);
        engineIdleSpin = ps(p, CostParam.ENGINE_IDLE_SPIN);
    }

    /** @return {@code p} in picoseconds, rounded */
    public static long ps(Profile p, CostParam c) {
        return Math.round(p.value(c) * Simulation.PS_PER_NS);
    }

    /** @return the software cipher's time for a payload of {@code bytes} */
    public long crypto(int bytes) {
        return cryptoFixed + Math.round(cryptoPerByte * bytes);
    }

    /** @return the user's copy of {@code bytes} */
    public long copy(int bytes) {
        return Math.round(copyPerByte * bytes);
    }
}
