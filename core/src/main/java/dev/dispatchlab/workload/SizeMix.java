package dev.dispatchlab.workload;

import java.util.Arrays;

/**
 * Inner UDP payload sizes of a workload: one fixed size, or a weighted mix. {@code imix} is the
 * simple IMIX ratio 7:4:1 over 64, 512 and 1400-byte payloads (the classic 40/576/1500-byte IP
 * mix, moved to the payload sizes this project reports).
 *
 * <p>Immutable; {@link #sizeAt(int)} is the size of the i-th packet of a repeating, interleaved
 * pattern, so every run with the same mix offers the same sizes in the same order.
 */
public final class SizeMix {

    private final String label;
    private final int[] pattern;

    private SizeMix(String label, int[] pattern) {
        this.label = label;
        this.pattern = pattern;
    }

    public static SizeMix fixed(int bytes) {
        if (bytes < 0 || bytes > 9000) {
            throw new IllegalArgumentException("payload size must be 0..9000 bytes, got " + bytes);
        }
        return new SizeMix(Integer.toString(bytes), new int[]{bytes});
    }

    /** 7 x 64, 4 x 512, 1 x 1400, interleaved. */
    public static SizeMix imix() {
        return new SizeMix("imix", new int[]{64, 512, 64, 1400, 64, 512, 64, 512, 64, 64, 512, 64});
    }

    /**
     * Parses {@code 64}, {@code 1400}, {@code imix} or a list like {@code 64,512,1400} (equal weights).
     *
     * @throws IllegalArgumentException with a message naming the bad part
     */
    public static SizeMix parse(String s) {
        String t = s.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("imix")) {
            return imix();
        }
        String[] parts = t.split(",");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("size '" + parts[i].strip() + "' is not a number (use bytes, a list, or imix)");
            }
            if (sizes[i] < 0 || sizes[i] > 9000) {
                throw new IllegalArgumentException("payload size must be 0..9000 bytes, got " + sizes[i]);
            }
        }
        return sizes.length == 1 ? fixed(sizes[0]) : new SizeMix(t.replace(" ", ""), sizes);
    }

    /** @return the payload size of the i-th packet */
    public int sizeAt(int i) {
        return pattern[Math.floorMod(i, pattern.length)];
    }

    /** @return the length of the repeating pattern */
    public int period() {
        return pattern.length;
    }

    /** @return the mean payload size */
    public double mean() {
        return Arrays.stream(pattern).average().orElse(0);
    }

    /** @return the largest payload size */
    public int max() {
        return Arrays.stream(pattern).max().orElse(0);
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
