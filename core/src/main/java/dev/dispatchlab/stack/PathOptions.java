package dev.dispatchlab.stack;

import dev.dispatchlab.esp.EspInput;
import dev.dispatchlab.proto.ReassemblyLimits;

/**
 * Settings of the receive path that every model shares.
 *
 * @param reassembly            limits of each context's IPv4 reassembler
 * @param datagramBuffers       buffers in the pool reassembled datagrams are written into
 * @param maxEspDepth           ESP layers one packet may carry (nested ESP)
 * @param verifyInnerChecksums  verify UDP checksums of packets that ESP already authenticated (off by
 *                              default: the ICV covers every byte, so the checksum can find nothing;
 *                              RFC 3948 3.1.2 lets receivers skip it); outer UDP checksums are always verified
 * @param requireEsp            drop cleartext UDP that is neither IKE nor NAT-T ESP ({@code UNPROTECTED});
 *                              when false it is delivered like decrypted traffic
 * @param verifyChecksums       drop packets whose IPv4 header checksum or (outer) UDP checksum does not verify,
 *                              as a kernel does before any encapsulation handler (the default, for every live
 *                              source); when false such packets go on and are counted as
 *                              {@code CHECKSUM_NOT_VERIFIED}: captures taken on a sending host hold the partial
 *                              checksums transmit offload leaves for the device to finish
 */
public record PathOptions(ReassemblyLimits reassembly, int datagramBuffers, int maxEspDepth,
                          boolean verifyInnerChecksums, boolean requireEsp, boolean verifyChecksums) {

    public static final PathOptions DEFAULT = new PathOptions(ReassemblyLimits.DEFAULT, 64,
            EspInput.DEFAULT_MAX_DEPTH, false, true, true);

    /** Options that verify every checksum the path verifies by default. */
    public PathOptions(ReassemblyLimits reassembly, int datagramBuffers, int maxEspDepth,
                       boolean verifyInnerChecksums, boolean requireEsp) {
        this(reassembly, datagramBuffers, maxEspDepth, verifyInnerChecksums, requireEsp, true);
    }

    public PathOptions {
        if (reassembly == null || datagramBuffers < 2 || maxEspDepth < 1) {
            throw new IllegalArgumentException("bad path options: datagramBuffers=" + datagramBuffers
                    + ", maxEspDepth=" + maxEspDepth);
        }
    }

    public PathOptions withVerifyInnerChecksums(boolean v) {
        return new PathOptions(reassembly, datagramBuffers, maxEspDepth, v, requireEsp, verifyChecksums);
    }

    public PathOptions withRequireEsp(boolean v) {
        return new PathOptions(reassembly, datagramBuffers, maxEspDepth, verifyInnerChecksums, v, verifyChecksums);
    }

    public PathOptions withVerifyChecksums(boolean v) {
        return new PathOptions(reassembly, datagramBuffers, maxEspDepth, verifyInnerChecksums, requireEsp, v);
    }
}
