package dev.dispatchlab.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the tracer writes to tracefs and puts back, on a directory of plain files standing in for it
 * (the kernel's own files need root; {@code run --sched-trace} uses them).
 */
class TracefsTest {

    private static Path fake(Path dir) throws IOException {
        Files.writeString(dir.resolve("tracing_on"), "1\n");
        Files.writeString(dir.resolve("set_event"), "irq:irq_handler_entry\n");
        Files.writeString(dir.resolve("buffer_size_kb"), "1408 (expanded: 1408)\n");
        Files.writeString(dir.resolve("trace"), "# old\n");
        return dir;
    }

    @Test
    void tracesTheSchedulerThenPutsTheEventsBufferAndSwitchBack(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.trace");
        try (Tracefs t = Tracefs.open(fake(dir))) {
            t.start();
            assertThat(Files.readString(dir.resolve("set_event"))).isEqualTo(Tracefs.EVENTS);
            assertThat(Files.readString(dir.resolve("buffer_size_kb"))).isEqualTo(Integer.toString(Tracefs.BUFFER_KB));
            assertThat(Files.readString(dir.resolve("trace"))).isEmpty(); // cleared
            assertThat(Files.readString(dir.resolve("tracing_on"))).isEqualTo("1");
            Files.writeString(dir.resolve("trace"), "a-1 [000] d..2. 1.0: sched_switch: ...\n");
            t.stop();
            assertThat(Files.readString(dir.resolve("tracing_on"))).isEqualTo("0");
            t.copyTo(out);
        }
        assertThat(Files.readString(out)).contains("sched_switch");
        assertThat(Files.readString(dir.resolve("set_event"))).isEqualTo("irq:irq_handler_entry\n");
        assertThat(Files.readString(dir.resolve("buffer_size_kb"))).isEqualTo("1408");
        assertThat(Files.readString(dir.resolve("tracing_on"))).isEqualTo("1");
    }

    @Test
    void aMissingOrReadOnlyTracefsSaysWhatIsNeeded(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Tracefs.open(dir.resolve("none")))
                .isInstanceOf(IOException.class).hasMessageContaining("needs tracefs").hasMessageContaining("tracing_on");
        try (Tracefs t = Tracefs.open(fake(dir))) {
            assertThatThrownBy(() -> t.copyTo(dir.resolve("x"))).isInstanceOf(IllegalStateException.class);
        }
    }
}
