package dev.dispatchlab.dispatch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget of items shared by a set of workers that take turns on the same items (the
 * {@code vthread} model's virtual workers): every {@code budget}-th item taken by any of them tells
 * the worker that took it to end its pass, so the set as a whole ends a pass once per budget.
 *
 * <p>Why not a budget per worker: workers that take one item each in turn all reach their own
 * budget in the same round and then none of them for budget − 1 rounds. A pass's end is when a
 * context's deferred wakeups go out ({@code StageContext.endOfPass}), so with 256 workers and a
 * budget of 64 the user's socket was signalled in bursts about 16,000 packets apart: four times
 * what the socket holds, and the rest was dropped as {@code socket full} while the host CPU idled.
 *
 * <pre>
 *   worker k takes an item ─► taken += 1 ─ taken % budget == 0 ─► true: k ends its pass now
 *                                            └ otherwise ─► false
 * </pre>
 *
 * <p>Threading: any number of threads; one atomic increment per item, no allocation.
 */
public final class SharedBudget {

    private final int budget;
    private final AtomicLong taken = new AtomicLong();

    /** @param budget items the set takes between two ends of a pass, at least 1 */
    public SharedBudget(int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be at least 1: budget=" + budget);
        }
        this.budget = budget;
    }

    /** Counts an item taken. @return true when the caller should end its pass (every budget-th item of the set) */
    public boolean take() {
        return taken.incrementAndGet() % budget == 0;
    }

    public int budget() {
        return budget;
    }
}
