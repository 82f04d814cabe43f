package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A crypto session: one security association's algorithms and keys, bound to the driver that
 * serves it (OCF {@code crypto_newsession}; {@link CryptoDriver#newSession} is the same thing). It owns
 * what a driver needs to work for it, here the per-context {@link Transform}s, created on first use
 * by each context slot (a submitter for the software driver, an engine thread for the offload driver)
 * and reused for every packet after.
 *
 * <p>Closing a session with requests in flight is safe (OCF {@code crypto_freesession}): the driver
 * completes the requests it has not started with {@link CryptoStatus#SESSION_CLOSED} instead of
 * processing them, and a request an engine had already started completes normally. Every
 * continuation still runs, exactly once. Requests submitted after the close complete with
 * {@code SESSION_CLOSED} at once.
 *
 * <p>Threading: {@link #transform(int)} for slot {@code s} may only be called by the context that
 * owns slot {@code s} (slots are thread-confined, see {@link StageContext}); everything else is
 * safe from any thread.
 */
public final class CryptoSession implements AutoCloseable {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final SessionParams params;
    private final CryptoDriver driver;
    private final Transform[] transforms = new Transform[StageContext.MAX_SLOTS];
    private final SessionCounters counters = new SessionCounters();
    private volatile boolean closed;

    /** Creates a session served by {@code driver}. */
    public CryptoSession(SessionParams params, CryptoDriver driver) {
        if (params == null || driver == null) {
            throw new IllegalArgumentException("session needs params and a driver");
        }
        this.params = params;
        this.driver = driver;
        driver.sessionOpened(this);
    }

    public long id() {
        return id;
    }

    public SessionParams params() {
        return params;
    }

    public CryptoDriver driver() {
        return driver;
    }

    /** @return the transform for context slot {@code slot}, created on first use; owner of the slot only */
    public Transform transform(int slot) {
        Transform t = transforms[slot];
        if (t == null) {
            t = Transform.create(params);
            transforms[slot] = t;
        }
        return t;
    }

    /**
     * Submits {@code r} (described on this session) to this session's driver (OCF {@code crypto_dispatch});
     * see {@link CryptoDriver#submit}. The continuation may run before this returns.
     */
    public void submit(CryptoRequest r, StageContext submitter) {
        assert r.session() == this : "request described on " + r.session() + " submitted through " + this;
        driver.submit(r, submitter);
    }

    public boolean isClosed() {
        return closed;
    }

    SessionCounters counters() {
        return counters;
    }

    /** @return this session's submitted and completed-by-status counts; allocates (reporting only) */
    public CryptoStatsSnapshot stats() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("params", params.toString());
        settings.put("driver", driver.name());
        settings.put("closed", closed);
        return counters.snapshot("session#" + id, settings);
    }

    /** Closes the session; requests still in flight complete with {@link CryptoStatus#SESSION_CLOSED}. Any thread. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.sessionClosed(this);
        }
    }

    @Override
    public String toString() {
        return "CryptoSession#" + id + "{" + params + ", driver=" + driver.name() + (closed ? ", closed" : "") + '}';
    }
}
