package dev.dispatchlab.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dispatchlab.run.RunResult;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Writes and reads results as JSON: one file per command, holding every run with every setting. */
public final class ResultFiles {

    /** The commands whose documents hold runs (and so can be reported on). */
    public static final Set<String> COMMANDS = Set.of("run", "compare", "sweep", "bench");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    // Lenient on fields it does not know, so that a document written by a newer version (RunResult
    // gained a field) still reads; what a report needs is checked by load() instead.
    private static final ObjectReader LENIENT = JSON.readerFor(Document.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultFiles() {
    }

    /** The JSON document a command writes: what was asked and what each run measured. */
    public record Document(String command, List<String> arguments, List<RunResult> runs, List<Baseline> baselines,
                           BenchTable bench) {

        /** A document without a bench table (run, compare, sweep). */
        public Document(String command, List<String> arguments, List<RunResult> runs, List<Baseline> baselines) {
            this(command, arguments, runs, baselines, null);
        }
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

    /**
     * Reads a result document for a report, checking that it is one: a JSON object whose command is
     * run, compare or sweep, with at least one run that carries the figures a report shows.
     *
     * @throws BadResultFileException with a one-line message naming the file and what is wrong
     */
    public static Document load(Path file) throws BadResultFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadResultFileException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new BadResultFileException(file + ": permission denied");
        } catch (IOException e) {
            throw new BadResultFileException(file + ": cannot read it"
                    + (Files.isDirectory(file) ? " (a directory, not a result file)" : ": " + firstLine(e.getMessage())));
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadResultFileException(file + ": not JSON (" + where(e) + firstLine(e.getOriginalMessage()) + ")");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new BadResultFileException(file + ": empty, not a result document");
        }
        String expected = "expected the JSON a run, compare, sweep or bench command writes with --json";
        if (!tree.isObject()) {
            throw new BadResultFileException(file + ": not a result document (a JSON " + tree.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT) + "; " + expected + ")");
        }
        JsonNode command = tree.get("command");
        if (command == null || !command.isTextual() || !COMMANDS.contains(command.asText())) {
            throw new BadResultFileException(file + ": not a result document (" + (command == null
                    ? "no 'command' field; it has " + keys(tree) : "command '" + command.asText() + "' holds no runs")
                    + "; " + expected + ")");
        }
        JsonNode runs = tree.get("runs");
        if (runs == null || !runs.isArray() || runs.isEmpty()) {
            throw new BadResultFileException(file + ": a " + command.asText() + " document without runs");
        }
        Document doc;
        try {
            doc = LENIENT.readValue(tree);
        } catch (IOException e) {
            throw new BadResultFileException(file + ": not a result document (" + where(e)
                    + firstLine(e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()) + ")");
        }
        for (int i = 0; i < doc.runs().size(); i++) {
            String missing = missing(doc.runs().get(i));
            if (missing != null) {
                throw new BadResultFileException(file + ": run " + (i + 1) + " of " + doc.runs().size()
                        + " has no '" + missing + "'; not a result document this version can read");
            }
        }
        return new Document(doc.command(), doc.arguments() == null ? List.of() : doc.arguments(), doc.runs(),
                doc.baselines() == null ? List.of() : doc.baselines(), doc.bench());
    }

    /** @return the first field a report needs that {@code r} lacks, or null */
    private static String missing(RunResult r) {
        if (r == null) {
            return "run";
        }
        Object[][] fields = {{"model", r.model()}, {"settings", r.settings()}, {"environment", r.environment()},
                {"perPacket", r.perPacket()}, {"latency", r.latency()}, {"drops", r.drops()}, {"checks", r.checks()},
                {"accounting", r.accounting()}, {"host", r.host()}};
        for (Object[] f : fields) {
            if (f[1] == null) {
                return (String) f[0];
            }
        }
        if (r.checks().threadsLeftRunning() == null) {
            return "checks.threadsLeftRunning";
        }
        return null;
    }

    private static String where(Exception e) {
        if (e instanceof JacksonException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
            return "line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ": ";
        }
        return "";
    }

    private static String keys(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext() && names.size() < 6; ) {
            names.add(it.next());
        }
        return names.isEmpty() ? "no fields" : "fields " + String.join(", ", names) + (object.size() > 6 ? ", ..." : "");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown reason";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
