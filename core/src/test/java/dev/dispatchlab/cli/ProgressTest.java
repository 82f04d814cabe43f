package dev.dispatchlab.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    @Test
    void withoutATerminalEachStepIsOnePlainLineWithTheEstimateLeft() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintWriter(new OutputStreamWriter(b, StandardCharsets.UTF_8), true), false, 3, 70);
        p.step("puller at 5k");
        p.stepDone();
        p.finish();
        String out = b.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("[1/3] puller at 5k (3m30s left)\n").doesNotContain("\r", "\033");
        assertThat(out).containsPattern("1 steps in \\d+s\n$");
    }

    @Test
    void onATerminalTheBarRedrawsOneLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintWriter(new OutputStreamWriter(b, StandardCharsets.UTF_8), true), true, 4, 10);
        p.step("push at 20k");
        String out = b.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r\033[K[>").contains("] 0/4 push at 20k, about 40s left").doesNotContain("\n");
        p.stepDone();
        p.clear();
        assertThat(b.toString(StandardCharsets.UTF_8)).contains("] 1/4 push at 20k").endsWith("\r\033[K");
        assertThat(Progress.duration(59.6)).isEqualTo("1m00s");
        assertThat(Progress.duration(5)).isEqualTo("5s");
    }
}
