package dev.dispatchlab.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultFilesTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenDocumentReadsBackTheSame() throws Exception {
        ResultFiles.Document doc = ResultFiles.load(ReportPages.fixture("sweep-small.json"));
        Path copy = dir.resolve("sub/copy.json");
        ResultFiles.write(copy, doc);
        ResultFiles.Document back = ResultFiles.load(copy);
        assertThat(back).isEqualTo(doc);
        assertThat(back.runs()).hasSize(6);
        assertThat(back.baselines()).extracting(ResultFiles.Baseline::name).containsExactly("bare-cipher");
    }

    @Test
    void fieldsAddedByANewerVersionAreIgnored() throws Exception {
        String json = Files.readString(ReportPages.fixture("compare-small.json"))
                .replaceFirst("\"model\" :", "\"addedLater\" : {\"x\" : 1},\n  \"model\" :");
        Path f = write("newer.json", json);
        assertThat(ResultFiles.load(f).runs()).hasSize(3);
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nope.json");
        assertBad(f, f + ": no such file");
    }

    @Test
    void aDirectoryIsNotAResultFile() {
        assertBad(dir, dir + ": cannot read it (a directory, not a result file)");
    }

    @Test
    void textThatIsNotJsonSaysWhere() throws Exception {
        Path f = write("notes.json", "{\"command\": \"compare\",\n  runs: oops}");
        assertBad(f, f + ": not JSON (line 2, column 3: Unexpected character ('r' (code 114))");
    }

    @Test
    void anEmptyFileIsNotADocument() throws Exception {
        Path f = write("empty.json", "  \n");
        assertBad(f, f + ": empty, not a result document");
    }

    @Test
    void otherJsonIsNotAResultDocument() throws Exception {
        Path array = write("array.json", "[1, 2, 3]");
        assertBad(array, array + ": not a result document (a JSON array; expected the JSON a run, compare, sweep or bench "
                + "command writes with --json)");
        Path calibration = write("calibration.json", "{\"environment\": {}, \"wakeupNanos\": 5000}");
        assertBad(calibration, calibration + ": not a result document (no 'command' field; it has fields "
                + "environment, wakeupNanos;");
        Path other = write("other.json", "{\"command\": \"calibrate\", \"runs\": []}");
        assertBad(other, other + ": not a result document (command 'calibrate' holds no runs;");
        Path empty = write("none.json", "{\"command\": \"compare\", \"arguments\": [], \"runs\": []}");
        assertBad(empty, empty + ": a compare document without runs");
    }

    @Test
    void aRunWithoutTheFiguresIsNotRead() throws Exception {
        Path shape = write("shape.json", "{\"command\": \"run\", \"runs\": [{\"model\": 5, \"seconds\": \"long\"}]}");
        assertBad(shape, shape + ": not a result document (");
        Path thin = write("thin.json", "{\"command\": \"run\", \"runs\": [{\"model\": \"push\"}]}");
        assertBad(thin, thin + ": run 1 of 1 has no 'settings'; not a result document this version can read");
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static void assertBad(Path f, String messageStart) {
        assertThatThrownBy(() -> ResultFiles.load(f)).isInstanceOf(BadResultFileException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(messageStart).doesNotContain("\n"));
    }
}
