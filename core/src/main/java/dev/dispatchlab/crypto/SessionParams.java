package dev.dispatchlab.crypto;

import java.util.Arrays;

/**
 * What a crypto session is created with: the algorithms, their keys and whether extended sequence
 * numbers enter the integrity computation. Validated on construction: a wrong key length or an
 * impossible combination throws {@link IllegalArgumentException} with a message naming the value
 * (configuration readers turn it into a file-and-line error).
 *
 * <p>Immutable; the key arrays are copied in and never handed out.
 */
public final class SessionParams {

    private final EncryptionAlgorithm encryption;
    private final byte[] encryptionKey;
    private final IntegrityAlgorithm integrity;
    private final byte[] integrityKey;
    private final boolean esn;

    public SessionParams(EncryptionAlgorithm encryption, byte[] encryptionKey, IntegrityAlgorithm integrity,
                         byte[] integrityKey, boolean esn) {
        if (encryption == null) {
            throw new IllegalArgumentException("no encryption algorithm (use NULL for none)");
        }
        if (integrity == null) {
            integrity = IntegrityAlgorithm.NONE;
        }
        byte[] ek = encryptionKey == null ? new byte[0] : encryptionKey.clone();
        byte[] ik = integrityKey == null ? new byte[0] : integrityKey.clone();
        if (!encryption.acceptsKeyLength(ek.length)) {
            throw new IllegalArgumentException(encryption.label() + " needs keying material of "
                    + lengths(encryption.keyLengths()) + " bytes" + (encryption.saltLength() > 0 ? " (key then "
                    + encryption.saltLength() + "-byte salt)" : "") + ", got " + ek.length);
        }
        if (encryption.isAead() && integrity != IntegrityAlgorithm.NONE) {
            throw new IllegalArgumentException(encryption.label() + " is a combined mode and takes no integrity "
                    + "algorithm, got " + integrity.label());
        }
        if (encryption == EncryptionAlgorithm.NULL && integrity == IntegrityAlgorithm.NONE) {
            throw new IllegalArgumentException("null encryption without integrity protects nothing (RFC 4303 3.2)");
        }
        if (integrity != IntegrityAlgorithm.NONE && ik.length != integrity.keyLength()) {
            throw new IllegalArgumentException(integrity.label() + " needs a " + integrity.keyLength()
                    + "-byte key, got " + ik.length);
        }
        if (integrity == IntegrityAlgorithm.NONE && ik.length != 0) {
            throw new IllegalArgumentException("an integrity key was given without an integrity algorithm");
        }
        this.encryption = encryption;
        this.encryptionKey = ek;
        this.integrity = integrity;
        this.integrityKey = ik;
        this.esn = esn;
    }

    private static String lengths(int[] l) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.length; i++) {
            if (i > 0) {
                sb.append(i == l.length - 1 ? " or " : ", ");
            }
            sb.append(l[i]);
        }
        return sb.toString();
    }

    public EncryptionAlgorithm encryption() {
        return encryption;
    }

    public IntegrityAlgorithm integrity() {
        return integrity;
    }

    public boolean esn() {
        return esn;
    }

    /** @return the ICV length in bytes: the combined mode's own, or the integrity algorithm's */
    public int icvLength() {
        return encryption.isAead() ? encryption.aeadIcvLength() : integrity.icvLength();
    }

    /** @return a copy of the encryption keying material (salt included) */
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    /** @return a copy of the integrity key */
    public byte[] integrityKey() {
        return integrityKey.clone();
    }

    /** Package access to the key without a copy, for building transforms. */
    byte[] encryptionKeyRef() {
        return encryptionKey;
    }

    byte[] integrityKeyRef() {
        return integrityKey;
    }

    /** @return the same algorithms and keys with another ESN setting */
    public SessionParams withEsn(boolean esn) {
        return new SessionParams(encryption, encryptionKey, integrity, integrityKey, esn);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionParams p && p.encryption == encryption && p.integrity == integrity && p.esn == esn
                && Arrays.equals(p.encryptionKey, encryptionKey) && Arrays.equals(p.integrityKey, integrityKey);
    }

    @Override
    public int hashCode() {
        return encryption.hashCode() * 31 + integrity.hashCode() + (esn ? 1 : 0);
    }

    /** Never prints keys. */
    @Override
    public String toString() {
        return "SessionParams{" + encryption.label() + "/" + (encryption.keyLengths().length > 0
                ? (encryptionKey.length - encryption.saltLength()) * 8 : 0) + " bits, " + integrity.label()
                + (esn ? ", esn" : "") + '}';
    }
}
