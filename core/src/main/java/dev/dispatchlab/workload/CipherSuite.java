package dev.dispatchlab.workload;

import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.IntegrityAlgorithm;

/**
 * The ESP algorithm combinations a workload can be built with, named as an IKEv2 proposal would
 * name them. The keys are generated from the workload's seed.
 */
public enum CipherSuite {
    AES128_GCM("aes128gcm", EncryptionAlgorithm.AES_GCM_16, 16, IntegrityAlgorithm.NONE),
    AES256_GCM("aes256gcm", EncryptionAlgorithm.AES_GCM_16, 32, IntegrityAlgorithm.NONE),
    CHACHA20_POLY1305("chacha20poly1305", EncryptionAlgorithm.CHACHA20_POLY1305, 32, IntegrityAlgorithm.NONE),
    AES128_CBC_SHA256("aes128cbc-sha256", EncryptionAlgorithm.AES_CBC, 16, IntegrityAlgorithm.HMAC_SHA256_128),
    AES256_CBC_SHA1("aes256cbc-sha1", EncryptionAlgorithm.AES_CBC, 32, IntegrityAlgorithm.HMAC_SHA1_96),
    AES128_GMAC("aes128gmac", EncryptionAlgorithm.AES_GMAC, 16, IntegrityAlgorithm.NONE),
    NULL_SHA256("null-sha256", EncryptionAlgorithm.NULL, 0, IntegrityAlgorithm.HMAC_SHA256_128),
    TRIPLE_DES_MD5("3des-md5", EncryptionAlgorithm.TRIPLE_DES_CBC, 24, IntegrityAlgorithm.HMAC_MD5_96);

    private final String label;
    private final EncryptionAlgorithm encryption;
    private final int keyBytes;
    private final IntegrityAlgorithm integrity;

    CipherSuite(String label, EncryptionAlgorithm encryption, int keyBytes, IntegrityAlgorithm integrity) {
        this.label = label;
        this.encryption = encryption;
        this.keyBytes = keyBytes;
        this.integrity = integrity;
    }

    public String label() {
        return label;
    }

    public EncryptionAlgorithm encryption() {
        return encryption;
    }

    /** @return cipher key bytes, without the salt of the combined modes */
    public int keyBytes() {
        return keyBytes;
    }

    public IntegrityAlgorithm integrity() {
        return integrity;
    }

    /** @return the suite named {@code s} (its label or constant name, case-insensitive), or null */
    public static CipherSuite parse(String s) {
        for (CipherSuite c : values()) {
            if (c.label.equalsIgnoreCase(s) || c.name().equalsIgnoreCase(s)) {
                return c;
            }
        }
        return null;
    }

    /** @return the labels, for help texts */
    public static String labels() {
        StringBuilder sb = new StringBuilder();
        for (CipherSuite c : values()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(c.label);
        }
        return sb.toString();
    }
}
