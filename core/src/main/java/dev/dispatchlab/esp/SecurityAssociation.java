package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.EncryptionAlgorithm;
import dev.dispatchlab.crypto.SessionParams;
import dev.dispatchlab.metrics.OwnerFirstCounters;
import dev.dispatchlab.packet.Bytes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One ESP security association: what identifies it on input (SPI, destination, optionally source),
 * how to process it (mode, crypto session, ESN), and its mutable state: the inbound anti-replay
 * window, the outbound sequence counter and IV generator, and the per-SA counters.
 *
 * <p>An SA serves either direction; an IKE daemon installs one per direction, tests often use one
 * object for both. Its addresses are the outer (tunnel endpoint) addresses: on input the destination,
 * and the source if one is set, must match the outer IP header ({@code null} is a wildcard); on
 * output in tunnel mode they become the new outer header.
 *
 * <p>Mode may be left unset for input: the packet's next header then decides (4 or 41 is tunnel,
 * anything else transport), which is what a capture decryptor with a Wireshark SA table needs.
 * Output needs it set.
 *
 * <h2>Threading</h2>
 * Immutable configuration; the mutable parts are safe for any number of contexts at once:
 * the replay window (see {@link ReplayWindow} for its cost), the sequence counter (one CAS per packet
 * on a shared line), the IV generator (per-slot cipher objects), counters ({@link LongAdder}: striped
 * under contention, cells allocated once when contention first appears, never per packet; the
 * inbound packet and byte counts of the context that completes most of the SA's packets in cells of
 * its own, without a locked instruction, see {@code countInbound}).
 *
 * <h2>Ownership</h2>
 * The SA owns its crypto session: {@link #close()} closes it, and requests in flight then complete
 * with {@code SESSION_CLOSED}. Never build a second SA with the same AEAD key and a restarted
 * sequence counter: the IV is the sequence number, and a repeated GCM nonce gives away the key stream
 * and the authentication key.
 */
public final class SecurityAssociation implements AutoCloseable {

    private static final long MAX_SEQ_32 = 0xFFFF_FFFFL;

    private final int spi;
    private final byte[] source;
    private final byte[] destination;
    private final Mode mode;
    private final CryptoSession session;
    private final boolean esn;
    private final int ivLength;
    private final int icvLength;
    private final int blockSize;
    private final int nattSourcePort;
    private final int nattDestinationPort;
    private final ReplayWindow window;
    private final IvGenerator ivGenerator;
    /** Next sequence number to send (unsigned); 0 once the space is used up. */
    private final AtomicLong nextOutbound;
    private final AtomicInteger ipId;
    private final LongAdder[] counters = new LongAdder[SaCounter.values().length];
    /** INBOUND_PACKETS (0) and INBOUND_BYTES (1), without a locked instruction for the owning context; see {@code countInbound}. */
    private final OwnerFirstCounters inbound = new OwnerFirstCounters(2);

    private SecurityAssociation(Builder b) {
        this.spi = b.spi;
        this.source = b.source;
        this.destination = b.destination;
        this.mode = b.mode;
        this.session = b.session;
        SessionParams params = b.session.params();
        this.esn = params.esn();
        EncryptionAlgorithm ea = params.encryption();
        this.ivLength = ea.ivLength();
        this.icvLength = params.icvLength();
        this.blockSize = ea.blockSize();
        this.nattSourcePort = b.nattSourcePort;
        this.nattDestinationPort = b.nattDestinationPort;
        this.window = new ReplayWindow(b.replayWindow, esn, b.inboundHighest);
        this.ivGenerator = new IvGenerator(ea, b.random == null ? new SecureRandom() : b.random);
        this.nextOutbound = new AtomicLong(b.outboundNext);
        this.ipId = new AtomicInteger(b.random == null ? new SecureRandom().nextInt() : b.random.nextInt());
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    /** Starts an SA with {@code spi} whose cryptography is {@code session} (which the SA then owns). */
    public static Builder builder(int spi, CryptoSession session) {
        return new Builder(spi, session);
    }

    public int spi() {
        return spi;
    }

    /** @return the source address as configured, or null for any */
    public InetAddress source() {
        return toAddress(source);
    }

    /** @return the destination address as configured, or null for any */
    public InetAddress destination() {
        return toAddress(destination);
    }

    /** @return the configured mode, or null when input infers it from the next header */
    public Mode mode() {
        return mode;
    }

    public CryptoSession session() {
        return session;
    }

    /** @return true if sequence numbers are 64-bit (RFC 4303 extended sequence numbers) */
    public boolean esn() {
        return esn;
    }

    public int ivLength() {
        return ivLength;
    }

    public int icvLength() {
        return icvLength;
    }

    /** @return the alignment of payload plus trailer in bytes */
    public int blockSize() {
        return blockSize;
    }

    /** @return true when output wraps ESP in UDP (RFC 3948) */
    public boolean natTraversal() {
        return nattDestinationPort != 0;
    }

    public int nattSourcePort() {
        return nattSourcePort;
    }

    public int nattDestinationPort() {
        return nattDestinationPort;
    }

    public ReplayWindow replayWindow() {
        return window;
    }

    /** @return the next sequence number output would use (unsigned), or 0 when the space is used up */
    public long nextOutboundSequence() {
        return nextOutbound.get();
    }

    /** @return true once every sequence number has been sent; the SA must be replaced (rekeyed) */
    public boolean outboundExhausted() {
        return nextOutbound.get() == 0;
    }

    public long count(SaCounter c) {
        long owned = switch (c) {
            case INBOUND_PACKETS -> inbound.sum(0);
            case INBOUND_BYTES -> inbound.sum(1);
            default -> 0;
        };
        return counters[c.ordinal()].sum() + owned;
    }

    /**
     * Counts one decapsulated packet of {@code bytes} plaintext bytes (INBOUND_PACKETS, INBOUND_BYTES)
     * for the completing context {@code slot}. An SA's packets are usually completed by one context
     * (the NIC steers a flow to one queue), which then counts without a locked instruction
     * ({@link OwnerFirstCounters}).
     */
    void countInbound(int slot, long bytes) {
        inbound.add(slot, 0, 1, 1, bytes);
    }

    void add(SaCounter c, long n) {
        counters[c.ordinal()].add(n);
    }

    void increment(SaCounter c) {
        counters[c.ordinal()].increment();
    }

    /**
     * Takes the next outbound sequence number. Any thread.
     *
     * @return the sequence number (unsigned 64-bit, at most 2^32-1 without ESN), or 0 when the space
     *         is used up: RFC 4303 3.3.3 forbids cycling, so the SA refuses rather than wraps
     */
    long takeOutboundSequence() {
        while (true) {
            long cur = nextOutbound.get();
            if (cur == 0) {
                return 0;
            }
            boolean last = esn ? cur == -1L : cur == MAX_SEQ_32;
            if (nextOutbound.compareAndSet(cur, last ? 0 : cur + 1)) {
                return cur;
            }
        }
    }

    /** @return an identification value for a new outer IPv4 header */
    int nextIpId() {
        return ipId.getAndIncrement() & 0xFFFF;
    }

    IvGenerator ivGenerator() {
        return ivGenerator;
    }

    byte[] sourceBytes() {
        return source;
    }

    byte[] destinationBytes() {
        return destination;
    }

    /**
     * @return whether the addresses at {@code d[srcAt]} and {@code d[dstAt]} ({@code len} bytes each)
     *         match this SA; an index below 0 means that address is not compared
     */
    boolean matches(byte[] d, int srcAt, int dstAt, int len) {
        return matchAddress(destination, d, dstAt, len) && matchAddress(source, d, srcAt, len);
    }

    private static boolean matchAddress(byte[] want, byte[] d, int at, int len) {
        if (want == null || at < 0) {
            return true;
        }
        if (want.length != len) {
            return false;
        }
        if (len == 4) {
            return Bytes.i32(want, 0) == Bytes.i32(d, at); // IPv4: one load each instead of a range compare
        }
        return Arrays.equals(want, 0, len, d, at, at + len);
    }

    /** @return how specific the selector is: 3 both addresses, 2 destination only, 1 source only, 0 none */
    int specificity() {
        return (destination != null ? 2 : 0) + (source != null ? 1 : 0);
    }

    /** Closes the crypto session; requests in flight complete as {@code SESSION_CLOSED}. */
    @Override
    public void close() {
        session.close();
    }

    private static InetAddress toAddress(byte[] a) {
        if (a == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never prints keys. */
    @Override
    public String toString() {
        return "SA{spi=0x" + HexFormat.of().toHexDigits(spi) + ", " + (source == null ? "*" : source().getHostAddress())
                + " -> " + (destination == null ? "*" : destination().getHostAddress())
                + (mode == null ? "" : ", " + mode.name().toLowerCase()) + ", " + session.params()
                + (natTraversal() ? ", udp " + nattSourcePort + "->" + nattDestinationPort : "") + '}';
    }

    /** Configures and builds a {@link SecurityAssociation}. Not thread-safe; build once. */
    public static final class Builder {
        private final int spi;
        private final CryptoSession session;
        private byte[] source;
        private byte[] destination;
        private Mode mode;
        private int replayWindow = ReplayWindow.DEFAULT_SIZE;
        private long inboundHighest;
        private long outboundNext = 1;
        private int nattSourcePort;
        private int nattDestinationPort;
        private Random random;

        private Builder(int spi, CryptoSession session) {
            if (session == null) {
                throw new IllegalArgumentException("an SA needs a crypto session");
            }
            this.spi = spi;
            this.session = session;
        }

        /** The outer destination (input: must match; output in tunnel mode: the new header's). Null: any. */
        public Builder destination(InetAddress a) {
            this.destination = a == null ? null : a.getAddress();
            return this;
        }

        /** The outer source (input: must match when set; output in tunnel mode: the new header's). Null: any. */
        public Builder source(InetAddress a) {
            this.source = a == null ? null : a.getAddress();
            return this;
        }

        /** Tunnel or transport; null leaves input to infer it from the next header. */
        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        /** Anti-replay window in packets (default {@value ReplayWindow#DEFAULT_SIZE}; 0 disables replay protection). */
        public Builder replayWindow(int packets) {
            this.replayWindow = packets;
            return this;
        }

        /**
         * The highest sequence number already received when the SA is installed (default 0). With ESN
         * this carries the high half a receiver joining mid-stream needs (Wireshark's "SN upper bits").
         */
        public Builder inboundHighestSequence(long seq) {
            this.inboundHighest = seq;
            return this;
        }

        /** The next sequence number to send (default 1). Known-answer tests set it to the vector's. */
        public Builder outboundSequence(long next) {
            if (next == 0) {
                throw new IllegalArgumentException("sequence number 0 is never sent (RFC 4303 3.3.3)");
            }
            this.outboundNext = next;
            return this;
        }

        /** UDP encapsulation on output (RFC 3948), normally both ports {@value EspDescriptor#NATT_PORT}. */
        public Builder natTraversal(int sourcePort, int destinationPort) {
            if (sourcePort <= 0 || sourcePort > 0xFFFF || destinationPort <= 0 || destinationPort > 0xFFFF) {
                throw new IllegalArgumentException("NAT-T ports must be in [1, 65535]: sport=" + sourcePort
                        + ", dport=" + destinationPort);
            }
            this.nattSourcePort = sourcePort;
            this.nattDestinationPort = destinationPort;
            return this;
        }

        /** Randomness for the CBC IV key and the first IPv4 identification (default: a new SecureRandom). */
        public Builder random(Random r) {
            this.random = r;
            return this;
        }

        public SecurityAssociation build() {
            if (source != null && destination != null && source.length != destination.length) {
                throw new IllegalArgumentException("source and destination are of different address families");
            }
            if (!session.params().esn() && Long.compareUnsigned(outboundNext, MAX_SEQ_32) > 0) {
                throw new IllegalArgumentException("outbound sequence number beyond 32 bits without ESN: "
                        + Long.toUnsignedString(outboundNext));
            }
            return new SecurityAssociation(this);
        }
    }
}
