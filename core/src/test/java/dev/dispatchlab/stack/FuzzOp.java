package dev.dispatchlab.stack;

import dev.dispatchlab.packet.Bytes;
import dev.dispatchlab.proto.Ipv4Descriptor;
import dev.dispatchlab.proto.UdpDescriptor;
import dev.dispatchlab.stack.FuzzFrames.Field;
import dev.dispatchlab.stack.FuzzFrames.Frame;
import dev.dispatchlab.stack.FuzzFrames.Layout;
import dev.dispatchlab.stack.FuzzFrames.Link;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.Arrays;
import java.util.List;

/**
 * One mutation of the receive-path fuzzer. {@link Target} says what it mutates:
 * <ul>
 * <li>{@code INNER}: the plaintext IP packet before the test seals it (so the mutation survives the
 *     integrity check and reaches what ESP does after decryption: padding, next header, the inner
 *     IP and UDP checks, delivery);</li>
 * <li>{@code RESEAL}: the cleartext ESP payload of a NULL-encryption HMAC SA, trailer included
 *     (padding bytes, pad length, next header), after which the test recomputes the ICV: malformed
 *     trailers that still authenticate;</li>
 * <li>{@code WIRE}: the frames as they arrive (link header, outer IP, UDP, ESP header, ciphertext,
 *     ICV), and the fragment sequence itself.</li>
 * </ul>
 * Positions, lengths and frame indices are taken modulo what is there, so every generated value
 * means something for every frame, and shrinking moves towards small, readable cases.
 *
 * @param frame which frame of the item (WIRE), modulo the number of frames
 * @param a     the first parameter of {@code kind} (a position, a field, a link, a cut)
 * @param b     the second parameter (a value, a length, a variant, a cut)
 * @param fix   for {@code FIELD}: recompute the IPv4 header (and UDP) checksum after the rewrite, so
 *              the mutation gets past the checksum; for {@code OVERLAP}: give the overlapping
 *              fragment different bytes from the one it overlaps
 * @param data  bytes to insert or append
 */
record FuzzOp(Target target, Kind kind, int frame, int a, int b, boolean fix, byte[] data) {

    enum Target { INNER, RESEAL, WIRE }

    enum Kind {
        /** Flip bit {@code b & 7} of byte {@code a}. */
        FLIP,
        /** Set byte {@code a} to {@code b}. */
        SET,
        /** Insert {@code data} before byte {@code a}. */
        INSERT,
        /** Delete {@code b % 64 + 1} bytes from byte {@code a}. */
        DELETE,
        /** Keep the first {@code a % (length + 1)} bytes. */
        TRUNCATE,
        /** Append {@code data}. */
        APPEND,
        /** Rewrite header field {@code Field.values()[a]} to {@code b} (see {@link Field}). */
        FIELD,
        /** Set the byte {@code a % 48} places before the end to {@code b} (RESEAL: next header, pad length, padding). */
        FROM_END,
        /** Re-wrap the frame's IP packet in link header {@code Link.values()[a]} (VLAN variant {@code b}). WIRE only. */
        RELINK,
        /** Cut an IPv4 frame into fragments at payload offsets {@code a} and {@code b} (rounded to 8). WIRE only. */
        FRAGMENT,
        /** Send the frame twice. WIRE only. */
        DUPLICATE,
        /** Do not send the frame (a gap in a fragment sequence). WIRE only. */
        DROP,
        /** Swap the frame with frame {@code a}. WIRE only. */
        SWAP,
        /** Add a fragment overlapping the frame: its offset moved by {@code a} units of 8, its payload cut to {@code b}. WIRE only. */
        OVERLAP
    }

    // ---- applying ----------------------------------------------------------------------------------

    /** Applies a byte-level mutation to a packet whose IP header starts at {@code ip}. */
    byte[] applyBytes(byte[] s, int linkType, int ip) {
        int n = s.length;
        return switch (kind) {
            case FLIP -> {
                if (n == 0) {
                    yield s;
                }
                byte[] t = s.clone();
                t[Math.floorMod(a, n)] ^= (byte) (1 << (b & 7));
                yield t;
            }
            case SET -> {
                if (n == 0) {
                    yield s;
                }
                byte[] t = s.clone();
                t[Math.floorMod(a, n)] = (byte) b;
                yield t;
            }
            case INSERT -> {
                int at = Math.floorMod(a, n + 1);
                byte[] t = new byte[n + data.length];
                System.arraycopy(s, 0, t, 0, at);
                System.arraycopy(data, 0, t, at, data.length);
                System.arraycopy(s, at, t, at + data.length, n - at);
                yield t;
            }
            case DELETE -> {
                if (n == 0) {
                    yield s;
                }
                int at = Math.floorMod(a, n);
                int len = Math.min(n - at, Math.floorMod(b, 64) + 1);
                byte[] t = new byte[n - len];
                System.arraycopy(s, 0, t, 0, at);
                System.arraycopy(s, at + len, t, at, n - at - len);
                yield t;
            }
            case TRUNCATE -> Arrays.copyOf(s, Math.floorMod(a, n + 1));
            case APPEND -> {
                byte[] t = Arrays.copyOf(s, n + data.length);
                System.arraycopy(data, 0, t, n, data.length);
                yield t;
            }
            case FIELD -> {
                byte[] t = s.clone();
                Frame f = new Frame(linkType, t, ip);
                Layout l = Layout.of(f);
                Field field = Field.values()[Math.floorMod(a, Field.values().length)];
                int at = l.ip() < 0 && field.ordinal() < Field.LINK_TYPE_FIELD.ordinal() ? -1 : field.offset(f, l, b);
                FuzzFrames.put(t, at, field.width, b);
                if (fix) {
                    FuzzFrames.fixIpv4Checksum(t, l.ip());
                    fixUdpChecksum(t, Layout.of(f), field);
                }
                yield t;
            }
            case FROM_END -> {
                if (n == 0) {
                    yield s;
                }
                byte[] t = s.clone();
                t[Math.max(0, n - 1 - Math.floorMod(a, 48))] = (byte) b;
                yield t;
            }
            default -> s;
        };
    }

    private static void fixUdpChecksum(byte[] t, Layout l, Field field) {
        if (l.udp() < 0 || field == Field.UDP_CHECKSUM) {
            return;
        }
        int len = UdpDescriptor.length(t, l.udp());
        if (len < 8 || l.udp() + len > t.length) {
            return;
        }
        if (l.version() == 4) {
            UdpDescriptor.fillChecksumIpv4(t, l.udp(), Ipv4Descriptor.source(t, l.ip()),
                    Ipv4Descriptor.destination(t, l.ip()));
        } else if (l.version() == 6) {
            UdpDescriptor.fillChecksumIpv6(t, l.udp(), Bytes.i64(t, l.ip() + 8), Bytes.i64(t, l.ip() + 16),
                    Bytes.i64(t, l.ip() + 24), Bytes.i64(t, l.ip() + 32));
        }
    }

    /** Applies a WIRE mutation to the item's frames (in place). */
    void applyWire(List<Frame> frames) {
        if (frames.isEmpty()) {
            return;
        }
        int i = Math.floorMod(frame, frames.size());
        Frame f = frames.get(i);
        switch (kind) {
            case RELINK -> {
                if (f.ip() >= 0 && f.ip() <= f.bytes().length) {
                    byte[] ip = Arrays.copyOfRange(f.bytes(), f.ip(), f.bytes().length);
                    frames.set(i, FuzzFrames.wrap(Link.values()[Math.floorMod(a, Link.values().length)], ip, b));
                }
            }
            case FRAGMENT -> {
                Layout l = Layout.of(f);
                if (l.version() == 4 && l.ipHeaderEnd() > 0 && l.ipHeaderEnd() <= f.bytes().length) {
                    byte[] ip = Arrays.copyOfRange(f.bytes(), f.ip(), f.bytes().length);
                    byte[] head = Arrays.copyOf(f.bytes(), f.ip());
                    List<byte[]> parts = FuzzFrames.fragment(ip, Math.floorMod(a, 2048), Math.floorMod(b, 2048));
                    frames.remove(i);
                    for (int k = parts.size() - 1; k >= 0; k--) {
                        byte[] part = parts.get(k);
                        byte[] g = Arrays.copyOf(head, head.length + part.length);
                        System.arraycopy(part, 0, g, head.length, part.length);
                        frames.add(i, new Frame(f.linkType(), g, f.ip()));
                    }
                }
            }
            case DUPLICATE -> frames.add(i, f);
            case DROP -> frames.remove(i);
            case SWAP -> {
                int j = Math.floorMod(a, frames.size());
                frames.set(i, frames.get(j));
                frames.set(j, f);
            }
            case OVERLAP -> {
                Layout l = Layout.of(f);
                byte[] bytes = f.bytes();
                if (l.version() == 4 && l.ipHeaderEnd() > 0 && l.ipHeaderEnd() <= bytes.length) {
                    int hdr = l.ipHeaderEnd();
                    int payload = bytes.length - hdr;
                    int keep = Math.max(8, (Math.floorMod(b, payload + 1) + 7) & ~7);
                    byte[] g = Arrays.copyOf(bytes, Math.min(bytes.length, hdr + keep));
                    if (fix) {
                        Arrays.fill(g, hdr, g.length, (byte) 0xEE);
                    }
                    int ff = Bytes.u16(g, f.ip() + 6);
                    int offset = Math.max(0, Math.min(Ipv4Descriptor.OFFSET_MASK,
                            (ff & Ipv4Descriptor.OFFSET_MASK) + Math.floorMod(a, 9) - 4));
                    boolean cut = g.length < bytes.length;
                    int flags = (ff & ~Ipv4Descriptor.OFFSET_MASK) | (cut ? Ipv4Descriptor.FLAG_MF : 0);
                    Bytes.put16(g, f.ip() + 6, flags | offset);
                    Bytes.put16(g, f.ip() + 2, g.length - f.ip());
                    FuzzFrames.fixIpv4Checksum(g, f.ip());
                    frames.add(i + 1, new Frame(f.linkType(), g, f.ip()));
                }
            }
            default -> {
                byte[] g = applyBytes(f.bytes(), f.linkType(), f.ip());
                int ip = FuzzFrames.ipOffset(f.linkType(), g);
                frames.set(i, new Frame(f.linkType(), g, ip >= 0 ? ip : Math.min(f.ip(), g.length)));
            }
        }
    }

    @Override
    public String toString() {
        String where = target == Target.WIRE ? target + "[" + frame + "] " : target + " ";
        String what = switch (kind) {
            case FIELD -> "FIELD " + Field.values()[Math.floorMod(a, Field.values().length)] + "=" + b
                    + (fix ? " (checksum fixed)" : "");
            case RELINK -> "RELINK " + Link.values()[Math.floorMod(a, Link.values().length)] + " v" + b;
            case INSERT, APPEND -> kind + " @" + a + " " + Bytes.hex(data);
            case OVERLAP -> "OVERLAP shift " + (Math.floorMod(a, 9) - 4) + " keep " + b + (fix ? " other bytes" : "");
            default -> kind + " " + a + " " + b;
        };
        return where + what;
    }

    // ---- generating -------------------------------------------------------------------------------

    private static final int[] INTERESTING = {0, 1, 2, 4, 5, 6, 7, 8, 15, 16, 17, 20, 24, 28, 30, 40, 41, 43, 44, 50,
            51, 59, 60, 64, 108, 127, 128, 255, 256, 500, 1500, 4500, 0x1FFF, 0x2000, 0x4000, 0x6000, 0x7FFF, 0x8000,
            0x86DD, 0x0800, 0x8100, 0x88A8, 0xFFF0, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF};

    static Arbitrary<Integer> values() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(Arrays.stream(INTERESTING).boxed().toList())),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xFFFF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    }

    private static Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 4095);
    }

    private static Arbitrary<byte[]> chunks() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24);
    }

    /** Byte-level mutations of one subject (a plaintext, a cleartext ESP payload or a frame). */
    static Arbitrary<FuzzOp> byteOps(Target t, Arbitrary<Integer> frames) {
        Arbitrary<Integer> pos = positions();
        Arbitrary<Integer> val = values();
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Combinators.combine(frames, pos, Arbitraries.integers().between(0, 7))
                        .as((f, p, bit) -> new FuzzOp(t, Kind.FLIP, f, p, bit, false, null))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(frames, pos, Arbitraries.integers().between(0, 255))
                        .as((f, p, v) -> new FuzzOp(t, Kind.SET, f, p, v, false, null))),
                net.jqwik.api.Tuple.of(1, Combinators.combine(frames, pos, chunks())
                        .as((f, p, d) -> new FuzzOp(t, Kind.INSERT, f, p, 0, false, d))),
                net.jqwik.api.Tuple.of(1, Combinators.combine(frames, pos, Arbitraries.integers().between(0, 63))
                        .as((f, p, n) -> new FuzzOp(t, Kind.DELETE, f, p, n, false, null))),
                net.jqwik.api.Tuple.of(1, Combinators.combine(frames, pos)
                        .as((f, p) -> new FuzzOp(t, Kind.TRUNCATE, f, p, 0, false, null))),
                net.jqwik.api.Tuple.of(1, Combinators.combine(frames, chunks())
                        .as((f, d) -> new FuzzOp(t, Kind.APPEND, f, 0, 0, false, d))),
                net.jqwik.api.Tuple.of(5, Combinators.combine(frames, Arbitraries.integers().between(0,
                                Field.values().length - 1), val, Arbitraries.of(true, false))
                        .as((f, field, v, fix) -> new FuzzOp(t, Kind.FIELD, f, field, v, fix, null))),
                net.jqwik.api.Tuple.of(t == Target.RESEAL ? 6 : 1, Combinators.combine(frames,
                                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 2)),
                                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 47))),
                                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, val.map(v -> v & 0xFF)),
                                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 255))))
                        .as((f, k, v) -> new FuzzOp(t, Kind.FROM_END, f, k, v, false, null))));
    }

    /** Mutations of the frames as they arrive, structural ones (links, fragments, sequence) included. */
    static Arbitrary<FuzzOp> wireOps() {
        Arbitrary<Integer> frames = Arbitraries.integers().between(0, 7);
        Arbitrary<FuzzOp> structural = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Combinators.combine(frames, Arbitraries.integers().between(0,
                                Link.values().length - 1), Arbitraries.integers().between(0, 4095))
                        .as((f, l, v) -> new FuzzOp(Target.WIRE, Kind.RELINK, f, l, v, false, null))),
                net.jqwik.api.Tuple.of(3, Combinators.combine(frames, Arbitraries.integers().between(0, 2047),
                                Arbitraries.integers().between(0, 2047))
                        .as((f, c1, c2) -> new FuzzOp(Target.WIRE, Kind.FRAGMENT, f, c1, c2, false, null))),
                net.jqwik.api.Tuple.of(2, frames.map(f -> new FuzzOp(Target.WIRE, Kind.DUPLICATE, f, 0, 0, false, null))),
                net.jqwik.api.Tuple.of(2, frames.map(f -> new FuzzOp(Target.WIRE, Kind.DROP, f, 0, 0, false, null))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(frames, frames)
                        .as((f, o) -> new FuzzOp(Target.WIRE, Kind.SWAP, f, o, 0, false, null))),
                net.jqwik.api.Tuple.of(3, Combinators.combine(frames, Arbitraries.integers().between(0, 8),
                                Arbitraries.integers().between(0, 2047), Arbitraries.of(true, false))
                        .as((f, s, k, other) -> new FuzzOp(Target.WIRE, Kind.OVERLAP, f, s, k, other, null))));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, byteOps(Target.WIRE, frames)),
                net.jqwik.api.Tuple.of(2, structural));
    }
}
