package dev.dispatchlab.metrics;

import java.util.Map;

/**
 * The end-of-run check that every packet is accounted for:
 * <pre>
 *   offered = delivered + ike passed + fragments absorbed + sum(drops by reason)    and    in flight = 0
 * </pre>
 * A run whose check fails is an error, never a result: the commands print the failed identity and
 * exit non-zero. "In flight" is whatever a caller still holds once every context has stopped:
 * buffers still handed out by pools, packets still in rings, queues, reassembly tables or the crypto
 * engine. Stopping a run drains or drops (with {@link DropReason#SHUTDOWN}) whatever is queued, so
 * a correct run always ends with nothing in flight.
 *
 * @param offered           packets offered by the sources
 * @param delivered         packets delivered to the user
 * @param ikePassed         IKE packets passed up
 * @param fragmentsAbsorbed fragments absorbed into reassembled datagrams
 * @param dropped           sum of all drops
 * @param inFlight          packets (buffers) still held anywhere after the stop
 * @param drops             drops by reason (non-zero only)
 */
public record Accounting(long offered, long delivered, long ikePassed, long fragmentsAbsorbed, long dropped,
                         long inFlight, Map<DropReason, Long> drops) {

    /** Builds the check from the summed counters of every context and what is still held. */
    public static Accounting of(CounterBlock totals, long inFlight) {
        return new Accounting(totals.get(Counter.OFFERED), totals.get(Counter.DELIVERED),
                totals.get(Counter.IKE_PASSED), totals.get(Counter.FRAGMENT_ABSORBED), totals.totalDrops(), inFlight,
                totals.dropsByReason());
    }

    /** @return true when every offered packet ended in exactly one outcome and nothing is in flight */
    public boolean balanced() {
        return inFlight == 0 && offered == delivered + ikePassed + fragmentsAbsorbed + dropped;
    }

    /** @return offered minus every outcome: positive means packets vanished, negative means double counting */
    public long discrepancy() {
        return offered - (delivered + ikePassed + fragmentsAbsorbed + dropped);
    }

    /** Throws {@link IllegalStateException} with the whole identity when the check fails. */
    public void verify() {
        if (!balanced()) {
            throw new IllegalStateException("accounting failed: " + this);
        }
    }

    @Override
    public String toString() {
        return "offered " + offered + " = delivered " + delivered + " + ike " + ikePassed + " + fragments absorbed "
                + fragmentsAbsorbed + " + dropped " + dropped + (discrepancy() == 0 ? "" : " (off by " + discrepancy()
                + ")") + ", in flight " + inFlight + (balanced() ? " [ok]" : " [FAILED]");
    }
}
