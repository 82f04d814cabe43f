package dev.dispatchlab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dispatchlab.run.RunResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes and reads results as JSON: one file per command, holding every run with every setting. */
public final class ResultFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    /** The JSON document a command writes: what was asked and what each run measured. */
    public record Document(String command, List<String> arguments, List<RunResult> runs, List<Baseline> baselines) {
    }

    /** A figure measured beside the runs in the same process (bare cipher rate, bare socket loop). */
    public record Baseline(String name, String description, double pps, double gbps) {
    }

    public static void write(Path file, Document doc) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), doc);
    }

    public static Document read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Document.class);
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
