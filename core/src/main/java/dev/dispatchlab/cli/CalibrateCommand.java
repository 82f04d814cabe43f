package dev.dispatchlab.cli;

import dev.dispatchlab.report.Environment;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.Calibration;
import dev.dispatchlab.run.Placement;
import dev.dispatchlab.workload.CipherSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code calibrate}: this machine's primitive costs, as JSON for the simulator. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures this machine's primitive costs (wakeups and switches on one CPU and across CPUs, "
                + "virtual-thread park/unpark, softint and continuation dispatch, each stage of the receive path, "
                + "the cipher per packet and per byte) and writes them as JSON.",
                "Example: dispatchlab calibrate --out results/calibration.json"})
public final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "results/calibration.json", paramLabel = "FILE",
            description = "where to write the JSON (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--suite", defaultValue = "aes128gcm", description = "cipher suite to fit (default: ${DEFAULT-VALUE})")
    String suite;

    @Override
    public Integer call() throws Exception {
        CipherSuite s = CipherSuite.parse(suite);
        if (s == null) {
            throw new UsageException("--suite: unknown suite '" + suite + "' (one of " + CipherSuite.labels() + ")");
        }
        Placement placement = Placement.defaults();
        System.err.println("calibrating on " + placement.describe() + " (about a minute) ...");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("environment", Environment.current());
        doc.putAll(Calibration.measure(placement, s));
        java.nio.file.Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        ResultFiles.mapper().writeValue(out.toFile(), doc);
        System.out.println(ResultFiles.mapper().writeValueAsString(doc));
        System.out.println("wrote " + out);
        return 0;
    }
}
