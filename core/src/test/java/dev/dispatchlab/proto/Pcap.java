package dev.dispatchlab.proto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads classic pcap files from the test resources: the link type and each frame's bytes (tests only). */
record Pcap(int linkType, List<byte[]> frames) {

    static Pcap read(String resource) {
        byte[] all;
        try (InputStream in = Pcap.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            all = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IllegalArgumentException("not a pcap file: " + resource);
            }
        }
        int linkType = b.getInt(20) & 0x0FFF_FFFF;
        List<byte[]> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= all.length) {
            int captured = b.getInt(at + 8);
            byte[] f = new byte[captured];
            System.arraycopy(all, at + 16, f, 0, captured);
            frames.add(f);
            at += 16 + captured;
        }
        return new Pcap(linkType, frames);
    }

    /** @return frame {@code n}, counting from 1 as capture tools do */
    byte[] frame(int n) {
        return frames.get(n - 1);
    }
}
