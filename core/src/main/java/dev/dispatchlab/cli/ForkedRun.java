package dev.dispatchlab.cli;

import dev.dispatchlab.report.BadResultFileException;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.RunResult;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One model's run of {@code compare --fork} in a JVM of its own: the same java, the same JVM
 * options and class path as this process, the command {@code run --model M} with every other
 * workload and dispatch flag the user gave {@code compare}, and the result read back from the
 * child's JSON file.
 *
 * <p>Why: the models run the same stage code, and in one process the JIT compiles that code once
 * with every model's types in its profiles. Call sites that one model alone keeps monomorphic
 * (its completion targets, its sinks) become megamorphic after the others ran, so a model measured
 * late in a {@code compare} runs slower code than it would alone (measured: puller at saturation
 * with 64-byte payloads, 0.75 million packets/s after five other models, 0.84-1.2 million in runs
 * of its own). Forking gives every model a fresh JIT, as JMH forks per benchmark; the price is that
 * each starts cold, so its warm-up must cover the JIT's compilations.
 */
final class ForkedRun {

    /** compare's own options, which the child does not take; with a value unless in FLAGS. */
    private static final Set<String> COMPARE_ONLY = Set.of("--models", "--json", "--html", "--no-baseline", "--fork");
    private static final Set<String> FLAGS = Set.of("--no-baseline", "--fork");

    private ForkedRun() {
    }

    /**
     * Runs {@code model} in a child JVM with {@code compareArgs} (compare's original arguments)
     * minus compare's own options.
     *
     * @return the child's result (whose checks may have failed: the caller reports that)
     */
    static RunResult run(List<String> compareArgs, String model) throws IOException, InterruptedException {
        Path json = Files.createTempFile("dispatchlab-" + model + "-", ".json");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                    "java").toString()));
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.add("run");
            cmd.add("--model");
            cmd.add(model);
            cmd.addAll(runArguments(compareArgs));
            cmd.add("--json");
            cmd.add(json.toString());
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD) // the child's table: compare prints them all
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            int status = p.waitFor();
            if (Files.size(json) == 0 && status == Main.EXIT_USAGE) {
                // the child refused a flag (its one-line message is above): bad input, as in this process
                throw new UsageException("the forked run of " + model + " refused its flags (see the message above)");
            }
            if (Files.size(json) == 0) {
                throw new RunFailedException("the forked run of " + model + " ended with status " + status
                        + " and no result (see above)");
            }
            try {
                return ResultFiles.load(json).runs().getFirst();
            } catch (BadResultFileException e) {
                throw new RunFailedException("the forked run of " + model + " wrote an unreadable result: " + e.getMessage());
            }
        } finally {
            Files.deleteIfExists(json);
        }
    }

    /**
     * compare's arguments without compare's own options (either {@code --opt value} or
     * {@code --opt=value}), and without the command name and anything in front of it.
     */
    static List<String> runArguments(List<String> compareArgs) {
        List<String> out = new ArrayList<>();
        for (int i = compareArgs.indexOf("compare") + 1; i < compareArgs.size(); i++) {
            String a = compareArgs.get(i);
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (COMPARE_ONLY.contains(name)) {
                if (eq < 0 && !FLAGS.contains(name)) {
                    i++; // its value
                }
                continue;
            }
            out.add(a);
        }
        return out;
    }
}
