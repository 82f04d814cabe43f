package dev.dispatchlab.run;

import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.os.Cpus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CpuDistanceTest {

    @Test
    void aCacheLineCrossesBetweenTwoCpusInAFewHundredNanoseconds() throws Exception {
        assumeTrue(Cpus.online() >= 2, "two CPUs");
        double rt = CpuDistance.roundTripNanos(CpuSet.of(0), CpuSet.of(1));
        // two writes and two cache-line transfers: tens of ns on one core, hundreds across sockets or in a guest
        assertThat(rt).isGreaterThan(10).isLessThan(20_000);
    }

    @Test
    void oneCpuIsNotADistance() {
        assertThatThrownBy(() -> CpuDistance.roundTripNanos(CpuSet.of(0), CpuSet.of(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two different CPUs");
    }
}
