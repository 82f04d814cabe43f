package dev.dispatchlab.sim;

import dev.dispatchlab.metrics.DropReason;

/**
 * The user process and its socket: kernel contexts enqueue decrypted packets on the socket's receive
 * buffer ({@code socket full} when it is), and the user reads them one at a time, each read a system
 * call ({@code syscall}) and a copy ({@code user_copy_per_byte}). With nothing to read it sleeps
 * (or spins, for busy polling) until a context wakes it.
 */
public final class UserProcess extends SimThread {

    private final Machine m;
    private final IntQueue socket;
    private final boolean spin;

    public UserProcess(Machine m, int socketCapacity, int priority, boolean spin) {
        super("user", priority, true);
        this.m = m;
        this.socket = new IntQueue(socketCapacity);
        this.spin = spin;
    }

    /**
     * A context puts {@code p} on the socket.
     *
     * @return true if the user sleeps and must be woken (by the caller, now or at the end of its pass)
     */
    public boolean enqueue(int p) {
        if (!socket.offer(p)) {
            m.drop(p, DropReason.SOCKET_FULL);
            return false;
        }
        m.handoff();
        if (spin && state == State.RUNNING) {
            cpu.kick();
        }
        return state == State.SLEEPING;
    }

    public int queued() {
        return socket.size();
    }

    @Override
    protected Outcome step(SimCpu cpu) {
        int p = socket.poll();
        if (p < 0) {
            return spin ? Outcome.SPIN : Outcome.SLEEP;
        }
        cpu.work(m.costs.syscall + m.costs.copy(m.bytes(p)), () -> m.deliver(p));
        return Outcome.WORKED;
    }
}
