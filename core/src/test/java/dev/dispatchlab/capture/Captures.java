package dev.dispatchlab.capture;

import dev.dispatchlab.packet.PacketBuffer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: the test captures, and a capture read into records. */
final class Captures {

    /** One record as the reader gave it. */
    record Frame(byte[] data, long timestampNanos, int originalLength, int linkType) {
    }

    private Captures() {
    }

    static Path resource(String relative) {
        URL u = Captures.class.getResource("/captures/" + relative);
        if (u == null) {
            throw new IllegalStateException("no test resource captures/" + relative);
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Frame> readAll(Path file) throws IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            return readAll(r);
        }
    }

    static List<Frame> readAll(byte[] file, String name) throws IOException {
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(file), name)) {
            return readAll(r);
        }
    }

    static List<Frame> readAll(CaptureReader r) throws IOException {
        List<Frame> out = new ArrayList<>();
        PacketBuffer p = PacketBuffer.unpooled(70_000, 64);
        for (int n; (n = r.read(p)) != CaptureReader.END; ) {
            if (n == CaptureReader.TOO_LONG) {
                throw new AssertionError("record " + r.recordNumber() + " too long for the test buffer");
            }
            if (n != r.capturedLength() || p.length() != n || p.offset() != 64) {
                throw new AssertionError("read returned " + n + " but captured length " + r.capturedLength() + ", buffer " + p);
            }
            if (p.linkType() != r.linkType()) {
                throw new AssertionError("buffer link type " + p.linkType() + " differs from the reader's " + r.linkType());
            }
            out.add(new Frame(p.toArray(), r.timestampNanos(), r.originalLength(), r.linkType()));
            p.setRange(64, 0);
        }
        return out;
    }

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    static byte[] bytes(Path p) {
        try {
            return java.nio.file.Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
