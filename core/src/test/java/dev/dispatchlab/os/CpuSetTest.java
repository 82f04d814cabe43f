package dev.dispatchlab.os;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuSetTest {

    @Property
    void listFormRoundTrips(@ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 1023) Integer> cpus) {
        CpuSet s = CpuSet.of(cpus.stream().mapToInt(Integer::intValue).toArray());
        assertThat(CpuSet.parse(s.toString())).isEqualTo(s);
        assertThat(s.size()).isEqualTo(cpus.size());
        assertThat(s.cpus()).containsExactly(new TreeSet<>(cpus).stream().mapToInt(Integer::intValue).toArray());
    }

    @Property
    void nativeFormRoundTrips(@ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 1023) Integer> cpus) {
        CpuSet s = CpuSet.of(cpus.stream().mapToInt(Integer::intValue).toArray());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(CpuSet.BYTES, 8);
            s.write(m);
            assertThat(CpuSet.read(m)).isEqualTo(s);
        }
    }

    @Test
    void cpuNIsBitNOfTheMask() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(CpuSet.BYTES, 8);
            CpuSet.of(0, 9, 64).write(m);
            assertThat(m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x01);
            assertThat(m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1)).isEqualTo((byte) 0x02);
            assertThat(m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 8)).isEqualTo((byte) 0x01);
        }
    }

    @Test
    void parsesTheKernelsListForm() {
        assertThat(CpuSet.parse("0-3, 6").cpus()).containsExactly(0, 1, 2, 3, 6);
        assertThat(CpuSet.parse("").isEmpty()).isTrue();
        assertThat(CpuSet.of(1, 2, 3, 7).toString()).isEqualTo("1-3,7");
        assertThat(CpuSet.of(5).first()).isEqualTo(5);
        assertThatThrownBy(() -> CpuSet.parse("3-1")).hasMessageContaining("'3-1'");
        assertThatThrownBy(() -> CpuSet.parse("x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> CpuSet.of(1024)).hasMessageContaining("1024");
    }
}
