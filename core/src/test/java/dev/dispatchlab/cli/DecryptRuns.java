package dev.dispatchlab.cli;

import dev.dispatchlab.capture.CaptureReader;
import dev.dispatchlab.packet.PacketBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the decrypt tests share: running the command line as a user would ({@link Main#execute}, with
 * standard output and error captured), finding the test captures, reading a pcap back.
 */
final class DecryptRuns {

    /** One run of the command: exit status, what it printed on standard output and on standard error. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** A packet of a capture: its time and its bytes (from the link header on). */
    record Packet(long nanos, byte[] bytes) {
        @Override
        public String toString() {
            return "Packet{" + nanos + " ns, " + bytes.length + " bytes}";
        }
    }

    private DecryptRuns() {
    }

    /** Runs {@code dispatchlab args...}; System.out and System.err are swapped for the run (tests run one at a time). */
    static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            System.setOut(po);
            System.setErr(pe);
            exit = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /**
     * @param name a test resource: relative to the shared {@code captures/} folder, or from the resource
     *             root when it starts with {@code /} (this command's own files are in {@code /decrypt/})
     * @return its path
     */
    static Path capture(String name) {
        try {
            var url = DecryptRuns.class.getResource(name.startsWith("/") ? name : "/captures/" + name);
            if (url == null) {
                throw new IllegalArgumentException("no test capture " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return every packet of a capture file, read with the project's own reader */
    static List<Packet> read(Path file) {
        List<Packet> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            PacketBuffer p = PacketBuffer.unpooled(300_000, 0);
            while (true) {
                p.setRange(0, 0);
                int n = r.read(p);
                if (n == CaptureReader.END) {
                    return out;
                }
                out.add(new Packet(r.timestampNanos(), Arrays.copyOfRange(p.data(), p.offset(), p.end())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the pcap link type of a capture's first record */
    static int linkType(Path file) {
        try (CaptureReader r = CaptureReader.open(file)) {
            r.read(PacketBuffer.unpooled(300_000, 0));
            return r.linkType();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
