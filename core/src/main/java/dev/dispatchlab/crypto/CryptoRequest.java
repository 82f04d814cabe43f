package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.PacketBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One unit of crypto work, like an OCF {@code struct cryptop}: which session, which operation, where
 * in the packet buffer the regions lie (offsets, never copies), and the continuation to run when it
 * completes and where to run it.
 *
 * <p>ESP layout the regions describe (absolute indices into {@code packet.data()}):
 * <pre>
 *  aadStart        ivStart         payloadStart                 icvStart
 *  |SPI |seq lo |  |IV .......|    |payload, padding, trailer |  |ICV ....|
 *  \__ 8 bytes _/   ivLength        payloadLength                 icvLength
 * </pre>
 * The high half of an extended sequence number is not on the wire; it is {@link #seqHigh()} and
 * enters the computation as RFC 4303 (appendix A), RFC 4106 and RFC 7634 say when the session has ESN.
 *
 * <h2>After OPEN succeeds</h2>
 * {@code packet.data()} holds the plaintext at {@code [payloadStart, payloadStart+payloadLength)}.
 * If the transform decrypted out of place ({@link #swapped()} true), the bytes before
 * {@code payloadStart} in {@code packet.data()} are undefined and the original packet is in
 * {@code packet.spare()}. On any failure no plaintext is released and {@code packet.data()} is untouched.
 *
 * <h2>After SEAL succeeds</h2>
 * The payload region is ciphertext (in place) and the ICV is written at {@code icvStart}.
 *
 * <h2>Threading and reuse</h2>
 * A request belongs to its submitter until submitted, to the driver until completed, and to the
 * continuation after. It is reused: the ESP layer keeps one per packet buffer
 * ({@link PacketBuffer#attachment}), so steady-state traffic allocates no requests.
 *
 * <p>Its life is {@code IDLE -> SUBMITTED -> DONE -> SUBMITTED -> ...}. Submitting (or re-describing)
 * a request that is still in flight is a bug and throws at once, because it would break the
 * exactly-once continuation. {@link #isDone()} turns true (with release semantics) just before the
 * completion is handed to the request's {@link CompletionTarget}; everything the driver wrote (status,
 * packet bytes, {@link #swapped()}, {@link #completeNanos()}) is visible to whoever sees it true.
 * Note that {@link #status()} alone is not a completion signal: a transform sets it while the
 * request is still travelling back through the driver.
 */
public final class CryptoRequest {

    private static final VarHandle PHASE;
    private static final int IDLE = 0;
    private static final int SUBMITTED = 1;
    private static final int DONE = 2;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(CryptoRequest.class, "phase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CryptoSession session;
    private CryptoOp op;
    private PacketBuffer packet;
    private int aadStart;
    private int ivStart;
    private int payloadStart;
    private int payloadLength;
    private int icvStart;
    private int seqHigh;
    private CryptoCallback callback;
    private CompletionTarget target = CompletionTarget.INLINE;

    /**
     * Plain, not volatile: written by the one context that owns the request at the time and read by
     * the next owner after a handoff that orders it (the ring or queue that carried the request, or
     * {@link #markDone()}'s release and {@link #isDone()}'s acquire). A volatile store here cost a
     * full fence twice per request, the first right after the decryption's stores.
     */
    private CryptoStatus status = CryptoStatus.PENDING;
    private boolean swapped;
    private long submitNanos;
    private long completeNanos;
    private volatile Thread waiter;
    private Object opaque;
    @SuppressWarnings("unused") // accessed through PHASE
    private int phase = IDLE;

    /**
     * Describes the work. Resets the result fields.
     *
     * @return this
     */
    public CryptoRequest describe(CryptoSession session, CryptoOp op, PacketBuffer packet, int aadStart, int ivStart,
                                  int payloadStart, int payloadLength, int icvStart, int seqHigh) {
        if ((int) PHASE.getOpaque(this) == SUBMITTED) {
            throw new IllegalStateException("request re-described while in flight: " + this
                    + "; wait for its continuation before reusing it");
        }
        this.session = session;
        this.op = op;
        this.packet = packet;
        this.aadStart = aadStart;
        this.ivStart = ivStart;
        this.payloadStart = payloadStart;
        this.payloadLength = payloadLength;
        this.icvStart = icvStart;
        this.seqHigh = seqHigh;
        this.swapped = false;
        this.submitNanos = 0;
        this.completeNanos = 0;
        this.status = CryptoStatus.PENDING;
        return this;
    }

    /**
     * Sets the continuation and the context it must run in.
     *
     * @return this
     */
    public CryptoRequest then(CryptoCallback callback, CompletionTarget target) {
        this.callback = callback;
        this.target = target == null ? CompletionTarget.INLINE : target;
        return this;
    }

    public CryptoSession session() {
        return session;
    }

    public CryptoOp op() {
        return op;
    }

    public PacketBuffer packet() {
        return packet;
    }

    public int aadStart() {
        return aadStart;
    }

    public int ivStart() {
        return ivStart;
    }

    public int payloadStart() {
        return payloadStart;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int icvStart() {
        return icvStart;
    }

    public int seqHigh() {
        return seqHigh;
    }

    public CryptoCallback callback() {
        return callback;
    }

    public CompletionTarget target() {
        return target;
    }

    /** @return the outcome; final once the continuation runs, or once {@link #isDone()} returned true on another thread */
    public CryptoStatus status() {
        return status;
    }

    /** Sets the outcome. Drivers and transforms only. */
    public void status(CryptoStatus s) {
        this.status = s;
    }

    /** @return true if OPEN decrypted out of place and swapped the packet's arrays; see the class note */
    public boolean swapped() {
        return swapped;
    }

    void swapped(boolean s) {
        this.swapped = s;
    }

    /** @return when the driver accepted the request (driver clock); 0 if the request was not timed (see {@link CryptoDriverConfig#inlineLatencySampling()}) */
    public long submitNanos() {
        return submitNanos;
    }

    public void submitNanos(long t) {
        this.submitNanos = t;
    }

    /** @return when the driver completed the request (driver clock); 0 if the request was not timed */
    public long completeNanos() {
        return completeNanos;
    }

    public void completeNanos(long t) {
        this.completeNanos = t;
    }

    /** The thread parked in a wait for this request ({@link WaiterTarget}), or null. */
    public Thread waiter() {
        return waiter;
    }

    public void waiter(Thread t) {
        this.waiter = t;
    }

    /** @return the submitter's own reference carried through the request (OCF {@code crp_opaque}); never read by drivers */
    public Object opaque() {
        return opaque;
    }

    /** Sets the submitter's own reference; survives {@link #describe} (set it once per reusable request). */
    public CryptoRequest opaque(Object o) {
        this.opaque = o;
        return this;
    }

    /** @return true once the driver has completed the request and is handing it to its target; any thread */
    public boolean isDone() {
        return (int) PHASE.getAcquire(this) == DONE;
    }

    /** @return true between submission and completion; any thread (a racy hint, exact only to the owner) */
    public boolean inFlight() {
        return (int) PHASE.getOpaque(this) == SUBMITTED;
    }

    /**
     * Marks the request in flight and stamps its submit time. Drivers only, in the submitter, before
     * the request becomes visible to any other thread.
     *
     * @throws IllegalStateException if the request is already in flight, or would run a missing callback inline
     */
    void beginSubmit(long now) {
        if ((int) PHASE.getOpaque(this) == SUBMITTED) {
            throw new IllegalStateException("request submitted again while in flight: " + this
                    + "; wait for its continuation before reusing it");
        }
        if (callback == null && target == CompletionTarget.INLINE) {
            // other targets decide for themselves (a waiter's continuation is the code after its wait)
            throw new IllegalStateException("request has no continuation: call then(callback, target) before submitting");
        }
        submitNanos = now;
        PHASE.setOpaque(this, SUBMITTED); // published to other threads by the ring handoff
    }

    /** Undoes {@link #beginSubmit} for a request a driver refused before anyone else saw it (auto fallback). */
    void abortSubmit() {
        PHASE.setOpaque(this, IDLE);
    }

    /** Marks the request completed, just before its target gets it. The completing context only. */
    void markDone() {
        PHASE.setRelease(this, DONE); // release: status, packet bytes and stamps happen-before isDone()
    }

    @Override
    public String toString() {
        return "CryptoRequest{" + op + ", status=" + status + ", payload=" + payloadStart + "+" + payloadLength + '}';
    }
}
