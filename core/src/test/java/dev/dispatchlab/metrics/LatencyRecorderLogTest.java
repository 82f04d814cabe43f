package dev.dispatchlab.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyRecorderLogTest {

    @TempDir
    Path dir;

    @Test
    void anIntervalWrittenAsAnHdrHistogramLogReadsBackTheSame() throws Exception {
        LatencyRecorder r = new LatencyRecorder(new ManualClock());
        for (int i = 1; i <= 10_000; i++) {
            r.record(i * 100L);
        }
        Histogram h = r.interval();
        Path file = dir.resolve("sub/puller-5k.hlog");
        LatencyRecorder.writeLog(file, h, "puller at 5k\nsecond line");
        String text = Files.readString(file);
        assertThat(text).startsWith("#puller at 5k second line (values in nanoseconds)\n")
                .contains("[Histogram log format version", "StartTime");
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        Histogram back = (Histogram) reader.nextIntervalHistogram();
        assertThat(back).isNotNull();
        assertThat(back.getTotalCount()).isEqualTo(10_000);
        assertThat(back.getValueAtPercentile(99)).isEqualTo(h.getValueAtPercentile(99));
        assertThat(back.getMaxValue()).isEqualTo(h.getMaxValue());
        assertThat(reader.nextIntervalHistogram()).isNull();
        reader.close();
    }
}
