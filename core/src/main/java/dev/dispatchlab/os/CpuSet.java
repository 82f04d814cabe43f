package dev.dispatchlab.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An immutable set of CPU numbers, the Java side of the kernel's {@code cpu_set_t}.
 *
 * <pre>
 *   cpu_set_t (glibc, 1024 CPUs): 16 x unsigned long, CPU n is bit (n % 64) of word (n / 64)
 *   word 0                         word 1                          ...  word 15
 *   [63 ........................ 0][127 ...................... 64]      [1023 ......... 960]
 * </pre>
 *
 * Text form (as in {@code /sys/devices/system/cpu/online} and {@code taskset -c}): {@code "0-3,6"}.
 */
public final class CpuSet {

    /** CPUs a {@code cpu_set_t} can name. */
    public static final int MAX_CPUS = 1024;
    static final int BYTES = MAX_CPUS / 8;
    private static final int WORDS = MAX_CPUS / 64;

    private final long[] words;

    private CpuSet(long[] words) {
        this.words = words;
    }

    /** @return the set of the given CPU numbers (each in {@code [0, MAX_CPUS)}) */
    public static CpuSet of(int... cpus) {
        long[] w = new long[WORDS];
        for (int cpu : cpus) {
            if (cpu < 0 || cpu >= MAX_CPUS) {
                throw new IllegalArgumentException("cpu number outside [0, " + MAX_CPUS + "): " + cpu);
            }
            w[cpu >>> 6] |= 1L << (cpu & 63);
        }
        return new CpuSet(w);
    }

    /**
     * Parses the kernel's list form, e.g. {@code "0-3,6"}; whitespace around items is ignored.
     *
     * @throws IllegalArgumentException for anything else, with the text in the message
     */
    public static CpuSet parse(String list) {
        long[] w = new long[WORDS];
        String t = list.strip();
        if (!t.isEmpty()) {
            for (String item : t.split(",")) {
                String s = item.strip();
                int dash = s.indexOf('-');
                try {
                    int lo = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).strip());
                    int hi = dash < 0 ? lo : Integer.parseInt(s.substring(dash + 1).strip());
                    if (lo < 0 || hi >= MAX_CPUS || lo > hi) {
                        throw new IllegalArgumentException("bad cpu range '" + s + "' in cpu list '" + list + "'");
                    }
                    for (int c = lo; c <= hi; c++) {
                        w[c >>> 6] |= 1L << (c & 63);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad cpu list item '" + s + "' in '" + list + "'", e);
                }
            }
        }
        return new CpuSet(w);
    }

    static CpuSet read(MemorySegment cpuSetT) {
        long[] w = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            w[i] = cpuSetT.getAtIndex(ValueLayout.JAVA_LONG, i);
        }
        return new CpuSet(w);
    }

    void write(MemorySegment cpuSetT) {
        for (int i = 0; i < WORDS; i++) {
            cpuSetT.setAtIndex(ValueLayout.JAVA_LONG, i, words[i]);
        }
    }

    public boolean contains(int cpu) {
        return cpu >= 0 && cpu < MAX_CPUS && (words[cpu >>> 6] & (1L << (cpu & 63))) != 0;
    }

    /** @return the number of CPUs in the set */
    public int size() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** @return the lowest CPU in the set, or -1 when empty */
    public int first() {
        for (int i = 0; i < WORDS; i++) {
            if (words[i] != 0) {
                return i * 64 + Long.numberOfTrailingZeros(words[i]);
            }
        }
        return -1;
    }

    /** @return the CPU numbers in ascending order */
    public int[] cpus() {
        int[] out = new int[size()];
        int k = 0;
        for (int c = 0; c < MAX_CPUS; c++) {
            if (contains(c)) {
                out[k++] = c;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** @return the list form, e.g. {@code "0-3,6"}; empty set gives {@code ""} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int c = 0;
        while (c < MAX_CPUS) {
            if (!contains(c)) {
                c++;
                continue;
            }
            int lo = c;
            while (c + 1 < MAX_CPUS && contains(c + 1)) {
                c++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(lo);
            if (c > lo) {
                sb.append('-').append(c);
            }
            c++;
        }
        return sb.toString();
    }
}
