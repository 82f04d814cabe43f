package dev.dispatchlab.capture;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CaptureProperties {

    private static final List<byte[]> VALID = List.of(
            Captures.bytes(Captures.resource("openswan-klips/02-sunrise-sunset-esp.pcap")),
            Captures.bytes(Captures.resource("rfc7634/rfc7634-appendixB.pcap")),
            Captures.bytes(Captures.resource("pcapng/mixed.pcapng")),
            Captures.bytes(Captures.resource("pcapng/espfrags1-be.pcapng")),
            Captures.bytes(Captures.resource("rfc7634/rfc7634-appendixB.snoop")));

    /** A packet to write: bytes, time (ns since 1970, within pcap's range), original length extra. */
    record Packet(byte[] data, long timestampNanos, int extra) {
    }

    @Provide
    Arbitrary<List<Packet>> packets() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Long> ts = Arbitraries.longs().between(0, 0xFFFF_FFFFL * 1_000_000_000L + 999_999_999L);
        Arbitrary<Integer> extra = Arbitraries.integers().between(0, 1000);
        return Combinators.combine(data, ts, extra).as(Packet::new).list().ofMaxSize(30);
    }

    @Property(tries = 300)
    void writtenPcapReadsBack(@ForAll("packets") List<Packet> packets, @ForAll PcapWriter.Resolution resolution,
                              @ForAll @IntRange(min = 1, max = 65535) int linkType) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, linkType, 262_144, resolution)) {
            for (Packet p : packets) {
                w.write(p.data(), 0, p.data().length, p.data().length + p.extra(), p.timestampNanos());
            }
            assertThat(w.records()).isEqualTo(packets.size());
        }
        List<Captures.Frame> back = Captures.readAll(out.toByteArray(), "written.pcap");
        assertThat(back).hasSameSizeAs(packets);
        long unit = resolution == PcapWriter.Resolution.NANOSECONDS ? 1 : 1_000;
        for (int i = 0; i < back.size(); i++) {
            Packet p = packets.get(i);
            assertThat(back.get(i).data()).isEqualTo(p.data());
            assertThat(back.get(i).timestampNanos()).isEqualTo(p.timestampNanos() / unit * unit);
            assertThat(back.get(i).originalLength()).isEqualTo(p.data().length + p.extra());
            assertThat(back.get(i).linkType()).isEqualTo(linkType);
        }
    }

    /** A change to a valid file: overwrite bytes, cut it, or splice in random bytes. */
    record Mutation(int kind, int position, byte[] bytes) {
        byte[] apply(byte[] file) {
            int at = Math.floorMod(position, file.length);
            return switch (kind) {
                case 0 -> {
                    byte[] c = file.clone();
                    for (int i = 0; i < bytes.length && at + i < c.length; i++) {
                        c[at + i] = bytes[i];
                    }
                    yield c;
                }
                case 1 -> java.util.Arrays.copyOf(file, at);
                default -> {
                    byte[] c = new byte[file.length + bytes.length];
                    System.arraycopy(file, 0, c, 0, at);
                    System.arraycopy(bytes, 0, c, at, bytes.length);
                    System.arraycopy(file, at, c, at + bytes.length, file.length - at);
                    yield c;
                }
            };
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers(),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
                .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 3000)
    void mutatedFilesFailOnlyWithCaptureFormatException(@ForAll @IntRange(min = 0, max = 4) int which,
                                                        @ForAll("mutations") List<Mutation> mutations) {
        byte[] file = VALID.get(which);
        for (Mutation m : mutations) {
            if (file.length > 0) {
                file = m.apply(file);
            }
        }
        List<Captures.Frame> frames = new ArrayList<>();
        byte[] input = file;
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> frames.addAll(Captures.readAll(input, "mutant")));
        if (t != null) {
            assertThat(t).isInstanceOf(CaptureFormatException.class);
            assertThat(t.getMessage()).startsWith("mutant: ");
        }
    }
}
