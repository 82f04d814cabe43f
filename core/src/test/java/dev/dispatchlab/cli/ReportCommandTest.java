package dev.dispatchlab.cli;

import dev.dispatchlab.report.ReportPages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReportCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesOnePageFromSeveralDocuments() throws Exception {
        Path out = dir.resolve("out/report.html");
        Cli c = Cli.run("report", ReportPages.fixture("compare-small.json").toString(),
                ReportPages.fixture("sweep-small.json").toString(), "--html", out.toString());
        assertThat(c.status()).as(c.err()).isZero();
        String html = Files.readString(out);
        assertThat(html).contains("1. Compare: push, puller, kcont at 20k pps (compare-small.json)",
                "2. Sweep: 2 models over 3 offered rates (sweep-small.json)");
        assertThat(ReportPages.checkImages(html)).isGreaterThan(20);
    }

    @Test
    void aMissingFileIsOneLineAndStatus2() {
        Path missing = dir.resolve("missing.json");
        assertUsage(new String[]{"report", missing.toString(), "--html", dir.resolve("r.html").toString()},
                "dispatchlab report: " + missing + ": no such file");
    }

    @Test
    void aFileThatIsNotJsonIsOneLineAndStatus2() throws Exception {
        Path f = Files.writeString(dir.resolve("log.json"), "building aes128gcm ...\nrunning push\n");
        assertUsage(new String[]{"report", f.toString(), "--html", dir.resolve("r.html").toString()},
                "dispatchlab report: " + f + ": not JSON (line 1, column ");
    }

    @Test
    void theReportOverOneOfItsInputsIsRefused() throws Exception {
        Path in = Files.copy(ReportPages.fixture("compare-small.json"), dir.resolve("in.json"));
        assertUsage(new String[]{"report", in.toString(), "--html", in.toString()},
                "dispatchlab report: --html: " + in + " is an input of this command");
        assertUsage(new String[]{"report", in.toString(), "--html", dir.toString()},
                "dispatchlab report: --html: " + dir + " is a directory");
    }

    @Test
    void aFileThatIsNotUtf8SaysSoAndNamesIt() throws Exception {
        Path f = Files.write(dir.resolve("latin1.json"), new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xE9, '"', '}'});
        assertUsage(new String[]{"report", f.toString(), "--html", dir.resolve("r.html").toString()},
                "dispatchlab report: " + f + ": not UTF-8 JSON");
    }

    @Test
    void jsonThatIsNotAResultDocumentIsOneLineAndStatus2() throws Exception {
        Path f = Files.writeString(dir.resolve("calibration.json"), "{\"environment\": {}, \"costs\": {\"wakeup\": 1}}");
        assertUsage(new String[]{"report", f.toString(), "--html", dir.resolve("r.html").toString()},
                "dispatchlab report: " + f + ": not a result document (no 'command' field; it has fields environment, costs;");
    }

    @Test
    void oneBadFileAmongGoodOnesWritesNothing() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "[]");
        Path out = dir.resolve("r.html");
        assertUsage(new String[]{"report", ReportPages.fixture("compare-small.json").toString(), bad.toString(),
                "--html", out.toString()}, "dispatchlab report: " + bad + ": not a result document (a JSON array");
        assertThat(out).doesNotExist();
    }

    @Test
    void noFilesOrNoOutputIsOneLineAndStatus2() {
        assertUsage(new String[]{"report", "--html", dir.resolve("r.html").toString()},
                "dispatchlab report: give one or more result files");
        assertUsage(new String[]{"report", ReportPages.fixture("compare-small.json").toString()},
                "dispatchlab report: --html: say where to write the report");
    }

    private static void assertUsage(String[] args, String start) {
        Cli c = Cli.run(args);
        assertThat(c.status()).as(c.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(c.err()).startsWith(start);
        assertThat(c.err().strip()).as("one line").doesNotContain("\n");
    }
}
