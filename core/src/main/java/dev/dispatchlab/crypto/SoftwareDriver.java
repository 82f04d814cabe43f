package dev.dispatchlab.crypto;

import dev.dispatchlab.packet.StageContext;

/**
 * The synchronous software driver: runs the JCA transform inline in the submitter's thread, with
 * the submitter's per-context transform, and completes the request at once. This is what a
 * run-to-completion path uses: no queue, no thread switch, no wakeup.
 *
 * <p>Threading: any number of submitters; each uses its own slot's transform.
 */
public class SoftwareDriver implements CryptoDriver {

    @Override
    public String name() {
        return "software";
    }

    @Override
    public void submit(CryptoRequest r, StageContext submitter) {
        CryptoSession s = r.session();
        if (s.isClosed()) {
            r.status(CryptoStatus.SESSION_CLOSED);
        } else {
            s.transform(submitter.slot()).process(r);
        }
        r.target().complete(r, submitter);
    }
}
