package dev.dispatchlab.cli;

import dev.dispatchlab.report.BadResultFileException;
import dev.dispatchlab.report.HtmlReport;
import dev.dispatchlab.report.ResultFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code report}: one self-contained HTML page from the JSON documents run, compare, sweep and bench
 * write, so that results measured on several machines or days can be read, and sent, together.
 * Every file is read and checked before anything is written: a bad one stops the command with a
 * one-line message (exit status 2) and leaves no half report behind.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes one self-contained HTML report (environment, settings, tables, charts) from result "
                + "files written by run, compare, sweep or bench with --json.",
                "Example: dispatchlab report results/sweep.json results/low-rate.json --html results/report.html"})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "result JSON files, in the order to show them")
    List<Path> files = new ArrayList<>();

    @Option(names = "--html", paramLabel = "FILE", description = "where to write the report (required)")
    Path html;

    @Override
    public Integer call() throws Exception {
        if (files.isEmpty()) {
            throw new UsageException("give one or more result files (the JSON run, compare, sweep or bench write with --json)");
        }
        if (html == null) {
            throw new UsageException("--html: say where to write the report, e.g. --html results/report.html");
        }
        Outputs.check("--html", html, files);
        List<HtmlReport.Source> sources = new ArrayList<>();
        List<dev.dispatchlab.report.SimulationSection.Study> studies = new ArrayList<>();
        int runs = 0;
        for (Path f : files) {
            requireUtf8(f);
            if (dev.dispatchlab.report.SimulationSection.isStudy(f)) {
                try {
                    studies.add(dev.dispatchlab.report.SimulationSection.load(f));
                } catch (BadResultFileException e) {
                    throw new UsageException(e.getMessage(), e);
                }
                continue;
            }
            ResultFiles.Document doc;
            try {
                doc = ResultFiles.load(f);
            } catch (BadResultFileException e) {
                throw new UsageException(e.getMessage(), e);
            }
            sources.add(new HtmlReport.Source(f.getFileName().toString(), doc));
            runs += doc.runs().size();
        }
        HtmlReport.write(html, sources, studies);
        System.out.println("wrote " + html + " (" + runs + " runs from " + files.size() + " file"
                + (files.size() == 1 ? "" : "s") + ")");
        return 0;
    }

    /** Refuses a file that is not UTF-8 text, naming it (result files are UTF-8 JSON); a missing file is load's to report. */
    private static void requireUtf8(Path f) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            return;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new UsageException(f + ": not UTF-8 JSON, so not a result file (run, compare and sweep write UTF-8"
                    + " JSON with --json)");
        }
    }
}
