package dev.dispatchlab.workload;

/**
 * What traffic a run offers: the ESP packets the synthetic wire (or the traffic generator) sends.
 *
 * @param sizes          inner UDP payload sizes
 * @param flows          inner flows (5-tuples), spread over the SAs
 * @param sas            security associations (tunnels); each is a pair of SPIs the wire alternates
 *                       between as a rekeyed pair would (see {@link TrafficSet})
 * @param suite          ESP algorithms
 * @param esn            extended sequence numbers
 * @param natt           UDP encapsulation on port 4500 (RFC 3948)
 * @param malformedShare share of packets that are malformed (bad headers, unknown SPI, truncated ESP)
 * @param replayShare    share of packets that repeat a recent packet (anti-replay must drop them)
 * @param badIcvShare    share of packets with a corrupted ICV (the integrity check must drop them)
 * @param seed           seed for keys and for which packets are malformed, replayed or corrupted
 * @param port           inner UDP destination port, where the user's socket is bound
 */
public record Workload(SizeMix sizes, int flows, int sas, CipherSuite suite, boolean esn, boolean natt,
                       double malformedShare, double replayShare, double badIcvShare, long seed, int port) {

    public static final int DEFAULT_PORT = 5001;

    public Workload {
        if (sizes == null || suite == null) {
            throw new IllegalArgumentException("a workload needs sizes and a cipher suite");
        }
        if (flows < 1 || flows > 1_000_000) {
            throw new IllegalArgumentException("flows must be 1..1000000, got " + flows);
        }
        if (sas < 1 || sas > 4096) {
            throw new IllegalArgumentException("sas must be 1..4096, got " + sas);
        }
        if (sas > flows) {
            throw new IllegalArgumentException("sas (" + sas + ") cannot exceed flows (" + flows + ")");
        }
        share("malformed share", malformedShare);
        share("replay share", replayShare);
        share("bad-icv share", badIcvShare);
        if (malformedShare + replayShare + badIcvShare > 0.5) {
            throw new IllegalArgumentException("malformed + replay + bad-icv shares must not exceed 0.5, got "
                    + (malformedShare + replayShare + badIcvShare));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    private static void share(String name, double v) {
        if (!(v >= 0 && v <= 0.5)) {
            throw new IllegalArgumentException(name + " must be between 0 and 0.5, got " + v);
        }
    }

    /** 64-byte payloads, 16 flows over 4 SAs, AES-128-GCM, no ESN, no NAT-T, clean traffic. */
    public static Workload defaults() {
        return new Workload(SizeMix.fixed(64), 16, 4, CipherSuite.AES128_GCM, false, false, 0, 0, 0, 1, DEFAULT_PORT);
    }

    public Workload withSizes(SizeMix s) {
        return new Workload(s, flows, sas, suite, esn, natt, malformedShare, replayShare, badIcvShare, seed, port);
    }

    public Workload withSuite(CipherSuite s) {
        return new Workload(sizes, flows, sas, s, esn, natt, malformedShare, replayShare, badIcvShare, seed, port);
    }

    public Workload withFlows(int f, int s) {
        return new Workload(sizes, f, s, suite, esn, natt, malformedShare, replayShare, badIcvShare, seed, port);
    }

    public Workload withShares(double malformed, double replay, double badIcv) {
        return new Workload(sizes, flows, sas, suite, esn, natt, malformed, replay, badIcv, seed, port);
    }

    public Workload withEsn(boolean e) {
        return new Workload(sizes, flows, sas, suite, e, natt, malformedShare, replayShare, badIcvShare, seed, port);
    }

    public Workload withNatt(boolean n) {
        return new Workload(sizes, flows, sas, suite, esn, n, malformedShare, replayShare, badIcvShare, seed, port);
    }

    public Workload withSeed(long s) {
        return new Workload(sizes, flows, sas, suite, esn, natt, malformedShare, replayShare, badIcvShare, s, port);
    }

    /** @return a one-line description for tables */
    public String describe() {
        return suite.label() + ", payload " + sizes.label() + " B, " + flows + " flows over " + sas + " SAs"
                + (esn ? ", esn" : "") + (natt ? ", nat-t" : "")
                + (malformedShare + replayShare + badIcvShare > 0 ? String.format(", malformed %.3f, replay %.3f, "
                + "bad icv %.3f", malformedShare, replayShare, badIcvShare) : "");
    }
}
