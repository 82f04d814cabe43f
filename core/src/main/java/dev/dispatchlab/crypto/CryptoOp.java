package dev.dispatchlab.crypto;

/** What a request asks of a session's transform (OCF: the operation flags of a crypto request). */
public enum CryptoOp {
    /** Verify the ICV over the authenticated regions, then decrypt: inbound ESP. */
    OPEN,
    /** Encrypt, then compute the ICV and write it: outbound ESP. */
    SEAL
}
