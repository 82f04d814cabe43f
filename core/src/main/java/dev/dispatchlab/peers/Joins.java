package dev.dispatchlab.peers;

import java.util.List;

/** Joining a peer's threads by one deadline, for the peers' {@code join}. */
final class Joins {

    private Joins() {
    }

    /**
     * Waits for every thread in {@code threads} to end, all by {@code deadlineNanos} ({@link System#nanoTime}).
     *
     * @return true if all of them ended
     */
    static boolean allBy(List<Thread> threads, long deadlineNanos) throws InterruptedException {
        boolean all = true;
        for (Thread t : threads) {
            t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            all &= !t.isAlive();
        }
        return all;
    }
}
