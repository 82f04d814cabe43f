package dev.dispatchlab.crypto;

/**
 * The ESP encryption transforms the framework implements, with the wire facts ESP needs: IV length,
 * block size (padding alignment), whether the transform is combined-mode (AEAD: confidentiality and
 * integrity in one, with its own ICV), and the accepted keying-material lengths.
 *
 * <p>For the combined modes the keying material is the cipher key followed by a 4-byte salt
 * (RFC 4106 section 8.1, RFC 4543 section 3.2, RFC 7634 section 2), as IKE and {@code ip xfrm} give it.
 */
public enum EncryptionAlgorithm {

    /** RFC 2410: no confidentiality; needs an integrity algorithm. Payload aligned to 4 bytes. */
    NULL("null", 0, 4, 0, false, 0, 0),
    /** RFC 3602: AES-CBC with an explicit 16-byte IV; 128, 192 or 256-bit keys. */
    AES_CBC("aes-cbc", 16, 16, 0, false, 0, 16, 24, 32),
    /** RFC 2451: 3DES-EDE-CBC with an explicit 8-byte IV; 192-bit key (legacy, for old captures). */
    TRIPLE_DES_CBC("3des-cbc", 8, 8, 0, false, 0, 24),
    /** RFC 4106: AES-GCM with an 8-byte ICV. */
    AES_GCM_8("aes-gcm-8", 8, 4, 4, true, 8, 20, 28, 36),
    /** RFC 4106: AES-GCM with a 12-byte ICV. */
    AES_GCM_12("aes-gcm-12", 8, 4, 4, true, 12, 20, 28, 36),
    /** RFC 4106: AES-GCM with a 16-byte ICV (the usual choice). */
    AES_GCM_16("aes-gcm-16", 8, 4, 4, true, 16, 20, 28, 36),
    /** RFC 4543: AES-GMAC, integrity only (ENCR_NULL_AUTH_AES_GMAC); the payload travels in clear. */
    AES_GMAC("aes-gmac", 8, 4, 4, true, 16, 20, 28, 36),
    /** RFC 7634: ChaCha20-Poly1305 with a 16-byte ICV; 256-bit key plus salt. */
    CHACHA20_POLY1305("chacha20-poly1305", 8, 4, 4, true, 16, 36);

    private final String label;
    private final int ivLength;
    private final int blockSize;
    private final int saltLength;
    private final boolean aead;
    private final int aeadIcvLength;
    private final int[] keyLengths;

    EncryptionAlgorithm(String label, int ivLength, int blockSize, int saltLength, boolean aead, int aeadIcvLength,
                        int... keyLengths) {
        this.label = label;
        this.ivLength = ivLength;
        this.blockSize = blockSize;
        this.saltLength = saltLength;
        this.aead = aead;
        this.aeadIcvLength = aeadIcvLength;
        this.keyLengths = keyLengths;
        if (Integer.bitCount(blockSize) != 1) {
            throw new ExceptionInInitializerError(label + ": block size must be a power of two, got " + blockSize);
        }
    }

    /** @return the stable name used in configuration, tables and JSON */
    public String label() {
        return label;
    }

    /** @return bytes of explicit IV carried in each packet */
    public int ivLength() {
        return ivLength;
    }

    /**
     * @return the alignment of payload + padding + trailer (cipher block size, at least 4): always a
     *         power of two, so that the packet path checks it with a mask
     */
    public int blockSize() {
        return blockSize;
    }

    /** @return bytes of salt at the end of the keying material (combined modes), else 0 */
    public int saltLength() {
        return saltLength;
    }

    /** @return true for combined-mode transforms, which bring their own ICV and take no integrity algorithm */
    public boolean isAead() {
        return aead;
    }

    /** @return the ICV length of a combined-mode transform, 0 otherwise */
    public int aeadIcvLength() {
        return aeadIcvLength;
    }

    /** @return true when the payload is encrypted (false for NULL and GMAC) */
    public boolean encrypts() {
        return this != NULL && this != AES_GMAC;
    }

    /** @return the accepted keying-material lengths in bytes (salt included), e.g. [16, 24, 32] */
    public int[] keyLengths() {
        return keyLengths.clone();
    }

    public boolean acceptsKeyLength(int bytes) {
        for (int k : keyLengths) {
            if (k == bytes) {
                return true;
            }
        }
        return false;
    }

    /** @return the algorithm whose {@link #label()} is {@code s} (case-insensitive), or null */
    public static EncryptionAlgorithm byLabel(String s) {
        for (EncryptionAlgorithm a : values()) {
            if (a.label.equalsIgnoreCase(s)) {
                return a;
            }
        }
        return null;
    }
}
