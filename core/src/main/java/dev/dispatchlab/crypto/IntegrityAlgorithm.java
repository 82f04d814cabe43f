package dev.dispatchlab.crypto;

/**
 * The ESP integrity transforms used with the non-combined encryption algorithms: an HMAC over
 * SPI, sequence number, IV and ciphertext (plus the high half of an extended sequence number,
 * RFC 4303 section 3.3.2.1), truncated to the ICV length. Key lengths are the ones the RFCs require.
 */
public enum IntegrityAlgorithm {

    /** No integrity (encryption-only SA, allowed by RFC 4303 only with care; old captures have them). */
    NONE("none", null, 0, 0),
    /** RFC 2403: HMAC-MD5-96 (legacy, for old captures). */
    HMAC_MD5_96("hmac-md5-96", "HmacMD5", 16, 12),
    /** RFC 2404: HMAC-SHA1-96. */
    HMAC_SHA1_96("hmac-sha1-96", "HmacSHA1", 20, 12),
    /** RFC 4868: HMAC-SHA-256-128. */
    HMAC_SHA256_128("hmac-sha256-128", "HmacSHA256", 32, 16),
    /** RFC 4868: HMAC-SHA-384-192. */
    HMAC_SHA384_192("hmac-sha384-192", "HmacSHA384", 48, 24),
    /** RFC 4868: HMAC-SHA-512-256. */
    HMAC_SHA512_256("hmac-sha512-256", "HmacSHA512", 64, 32);

    private final String label;
    private final String jcaName;
    private final int keyLength;
    private final int icvLength;

    IntegrityAlgorithm(String label, String jcaName, int keyLength, int icvLength) {
        this.label = label;
        this.jcaName = jcaName;
        this.keyLength = keyLength;
        this.icvLength = icvLength;
    }

    public String label() {
        return label;
    }

    /** @return the JCA {@code Mac} algorithm name, or null for {@link #NONE} */
    public String jcaName() {
        return jcaName;
    }

    /** @return the key length in bytes the RFC requires */
    public int keyLength() {
        return keyLength;
    }

    /** @return the truncated ICV length in bytes */
    public int icvLength() {
        return icvLength;
    }

    /** @return the algorithm whose {@link #label()} is {@code s} (case-insensitive), or null */
    public static IntegrityAlgorithm byLabel(String s) {
        for (IntegrityAlgorithm a : values()) {
            if (a.label.equalsIgnoreCase(s)) {
                return a;
            }
        }
        return null;
    }
}
