package dev.dispatchlab.run;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A run says when the JVM's own threads took a share of a CPU in its measured interval, naming the busiest. */
class JvmNoteTest {

    private static RunResult.ThreadCounts t(String name, String role, long cpuNanos) {
        return new RunResult.ThreadCounts(name, role, 0, 0, cpuNanos, null, "live");
    }

    @Test
    void theCompilerAtTenPercentIsNamedAndModelThreadsAreNotCounted() {
        String note = Runner.jvmNote(List.of(t("puller/0", "host", 2_500_000_000L), t("wire", "device", 2_900_000_000L),
                t("C2 CompilerThre", "other", 300_000_000L), t("GC Thread#0", "other", 30_000_000L),
                t("GC Thread#0", "other", 30_000_000L), t("VM Thread", "other", 3_000_000L)), 3.0);
        assertThat(note).startsWith("the JVM's own threads ran 12.1 % of a CPU in the measured interval "
                + "(C2 CompilerThre 10.0 %, GC Thread#0 2.0 %, VM Thread 0.1 %)");
    }

    @Test
    void belowTwoPercentOfACpuNothingIsSaid() {
        assertThat(Runner.jvmNote(List.of(t("C2 CompilerThre", "other", 59_000_000L)), 3.0)).isNull();
        assertThat(Runner.jvmNote(List.of(t("C2 CompilerThre", "other", 60_000_000L)), 3.0)).isNotNull();
        assertThat(Runner.jvmNote(List.of(t("puller/0", "host", 3_000_000_000L)), 3.0)).isNull();
        assertThat(Runner.jvmNote(List.of(), 0)).isNull();
    }
}
