package dev.dispatchlab.cli;

import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.peers.PeerModels;
import dev.dispatchlab.report.BenchTable;
import dev.dispatchlab.report.HtmlReport;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.Calibration;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.run.Runner;
import dev.dispatchlab.run.SocketBaseline;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench}: this machine's limits and the peers, measured side by side in one run, with each of
 * our figures as a ratio to them.
 *
 * <pre>
 *  limits    bare JCA cipher (per size) · openssl speed (per size, if installed)
 *            wakeup round trip same CPU, cross CPU · virtual-thread park/unpark · bare recvmmsg loop (per size)
 *  gateways  our models and the peers (netty, disruptor) on the socket source, at maximum rate, per size;
 *            then each at half of its own maximum at the first size, for p99 latency
 * </pre>
 *
 * Every gateway is run by the same {@link Runner} on the same traffic from the same generator; a
 * run that fails its checks is kept, marked, and makes the command exit 1 after the table and JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures this machine's limits (cipher, openssl, wakeups, bare socket loop) and the peer "
                + "gateways (Netty epoll, LMAX Disruptor) beside our models on the socket source, and prints our "
                + "figures as ratios to them.",
                "Example: dispatchlab bench --json results/bench.json --hdr-log results/hlog",
                "         dispatchlab bench --models puller,busypoll --sizes 64 --measure 3s"})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--models", defaultValue = "puller", split = ",", paramLabel = "LIST",
            description = "our models to run (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--peers", defaultValue = "netty,disruptor", split = ",", paramLabel = "LIST",
            description = "peer gateways to run: netty, disruptor, or none (default: ${DEFAULT-VALUE})")
    List<String> peers;

    @Option(names = "--sizes", defaultValue = "64,1400", paramLabel = "LIST",
            description = "payload sizes, each a point of its own (default: ${DEFAULT-VALUE})")
    String sizes;

    @Option(names = "--no-half-load", description = "skip the half-load latency points")
    boolean noHalfLoad;

    @Option(names = "--no-openssl", description = "skip openssl speed")
    boolean noOpenssl;

    @Option(names = "--json", paramLabel = "FILE", description = "write the runs, limits and table as JSON (report reads it)")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "write the HTML report")
    Path html;

    @Mixin
    RunOptions options;

    @Mixin
    HdrLogOption hdrLog;

    @Spec
    CommandSpec command;

    /** Bench's own defaults for the intervals: short, so the whole command takes a few minutes. */
    static final String DEFAULT_WARMUP = "500ms";
    static final String DEFAULT_MEASURE = "1s";

    @Override
    public Integer call() throws Exception {
        var parsed = command.commandLine().getParseResult();
        for (String flag : new String[]{"--rate", "--source", "--size"}) {
            if (parsed.hasMatchedOption(flag)) {
                throw new UsageException(flag + ": bench runs the socket source at maximum and at half load, at "
                        + "the sizes of --sizes; leave " + flag + " out");
            }
        }
        if (!parsed.hasMatchedOption("--warmup")) {
            options.warmup = DEFAULT_WARMUP;
        }
        if (!parsed.hasMatchedOption("--measure")) {
            options.measure = DEFAULT_MEASURE;
        }
        options.source = "socket";
        options.rate = "max";
        List<DispatchModel> ours = new ArrayList<>(Models.parse("--models", models));
        List<DispatchModel> theirs = new ArrayList<>();
        for (String p : peers) {
            if (p.equalsIgnoreCase("none")) {
                continue;
            }
            PeerModels m = PeerModels.byLabel(p);
            if (m == null) {
                throw new UsageException("--peers: unknown peer '" + p + "' (" + PeerModels.labels() + ", or none)");
            }
            theirs.add(m);
        }
        List<Integer> sizeList = parseSizes(sizes);
        Workload base = options.workload();
        RunSpec spec0 = options.spec(ours.getFirst(), base);
        Models.prepareVirtualThreads(spec0.placement());
        List<String> args = parsed.originalArgs();
        List<String> sizeLabels = sizeList.stream().map(String::valueOf).toList();
        List<String> notes = new ArrayList<>();
        List<ResultFiles.Baseline> baselines = new ArrayList<>();
        List<BenchTable.Limit> limits = new ArrayList<>();

        // ---- limits
        List<Double> cipher = new ArrayList<>();
        List<Double> openssl = new ArrayList<>();
        List<Double> socket = new ArrayList<>();
        String opensslMissing = null;
        for (int size : sizeList) {
            Workload w = withSize(base, size);
            RunSpec s = spec0.withWorkload(w);
            System.err.printf("limit: bare JCA cipher, %d B ...%n", size);
            ResultFiles.Baseline b = Baselines.bareCipher(s, w, 500);
            baselines.add(new ResultFiles.Baseline(b.name() + " " + size + "B", b.description(), b.pps(), b.gbps()));
            cipher.add(b.pps());
            if (noOpenssl) {
                openssl.add(Double.NaN);
            } else if (opensslMissing == null) {
                System.err.printf("limit: openssl speed, %d B ...%n", size);
                try {
                    double pps = opensslSpeed(w.suite(), size);
                    openssl.add(pps);
                    baselines.add(new ResultFiles.Baseline("openssl " + size + "B", "openssl speed -evp "
                            + opensslName(w.suite()) + " -bytes " + size + " (one core)", pps, pps * size * 8 / 1e9));
                } catch (IOException e) {
                    opensslMissing = e.getMessage();
                    openssl.add(Double.NaN);
                }
            } else {
                openssl.add(Double.NaN);
            }
            System.err.printf("limit: bare recvmmsg loop, %d B ...%n", size);
            // at least a second of warm-up: the generator's first second in a process runs far below its speed
            RunSpec bare = s.withRate(RunSpec.MAX_RATE).withTimes(
                    s.warmup().compareTo(java.time.Duration.ofSeconds(1)) < 0 ? java.time.Duration.ofSeconds(1) : s.warmup(),
                    s.measure());
            SocketBaseline sb = SocketBaseline.measure(bare, SocketConfig.DEFAULT_BATCH);
            socket.add(sb.pps());
            baselines.add(new ResultFiles.Baseline("bare recvmmsg " + size + "B", "bare receive loop, "
                    + SocketConfig.DEFAULT_BATCH + " datagrams per call, no path (generator " + Math.round(sb.sentPps())
                    + " pps, " + sb.kernelDrops() + " kernel drops)", sb.pps(), sb.pps() * size * 8 / 1e9));
        }
        limits.add(new BenchTable.Limit("bare JCA cipher", "pps", cipher,
                "bare JCA decryption of one payload per call on one host CPU (" + base.suite().label() + ")"));
        if (noOpenssl) {
            notes.add("openssl speed skipped (--no-openssl)");
        } else if (opensslMissing != null) {
            notes.add("openssl speed skipped: " + opensslMissing);
        } else {
            limits.add(new BenchTable.Limit("openssl speed", "pps", openssl,
                    "openssl speed -evp " + opensslName(base.suite()) + ", bytes/s over the size, one core"));
        }
        limits.add(new BenchTable.Limit("bare recvmmsg loop", "pps", socket,
                "the socket source's receive loop with no path: the socket limit"));
        System.err.println("limit: wakeups and virtual-thread park/unpark ...");
        Map<String, Object> dispatch = dispatchLimits(spec0);
        for (var e : dispatch.entrySet()) {
            double nanos = ((Number) ((Map<?, ?>) e.getValue()).get("handoffNanos")).doubleValue();
            List<Double> same = new ArrayList<>();
            for (int i = 0; i < sizeList.size(); i++) {
                same.add(nanos);
            }
            String name = switch (e.getKey()) {
                case "wakeupSameCpu" -> "wakeup, same CPU (one way)";
                case "wakeupCrossCpu" -> "wakeup, cross CPU (one way)";
                default -> "virtual thread park/unpark";
            };
            limits.add(new BenchTable.Limit(name, "ns", same, "half a ping-pong round trip, median of 5 trials"));
        }

        // ---- gateways at maximum
        List<DispatchModel> all = new ArrayList<>(ours);
        all.addAll(theirs);
        List<RunResult> runs = new ArrayList<>();
        Map<String, List<RunResult>> maxRuns = new LinkedHashMap<>();
        for (DispatchModel m : all) {
            maxRuns.put(m.label(), new ArrayList<>());
        }
        for (int size : sizeList) {
            Workload w = withSize(base, size);
            for (DispatchModel m : all) {
                RunSpec s = spec0.withModel(m).withWorkload(w).withRate(RunSpec.MAX_RATE);
                System.err.printf("gateway: %-9s %5d B at maximum rate ...%n", m.label(), size);
                RunResult r = run(s, m.label() + "-" + size + "B-max");
                runs.add(r);
                maxRuns.get(m.label()).add(r);
            }
        }
        // ---- half load, at the first size
        Map<String, RunResult> half = new LinkedHashMap<>();
        if (!noHalfLoad) {
            Workload w = withSize(base, sizeList.getFirst());
            for (DispatchModel m : all) {
                double max = maxRuns.get(m.label()).getFirst().deliveredPps();
                if (!(max > 2)) {
                    notes.add(m.label() + ": no half-load point (it delivered nothing at maximum)");
                    continue;
                }
                double rate = Math.max(1, Math.floor(max / 2));
                RunSpec s = spec0.withModel(m).withWorkload(w).withRate(rate);
                System.err.printf("gateway: %-9s %5d B at half load, %.0f pps ...%n", m.label(), sizeList.getFirst(), rate);
                RunResult r = run(s, m.label() + "-" + sizeList.getFirst() + "B-half");
                runs.add(r);
                half.put(m.label(), r);
            }
        }

        // ---- the table
        List<BenchTable.Gateway> gateways = new ArrayList<>();
        for (DispatchModel m : all) {
            List<RunResult> rs = maxRuns.get(m.label());
            RunResult h = half.get(m.label());
            boolean ok = rs.stream().allMatch(r -> r.checks().passed()) && (h == null || h.checks().passed());
            gateways.add(new BenchTable.Gateway(m.label(), theirs.contains(m) ? "peer" : "dispatchlab",
                    rs.stream().map(RunResult::deliveredPps).toList(),
                    rs.stream().map(r -> r.perPacket().hostCpuNanos()).toList(),
                    rs.stream().map(r -> r.perPacket().hostSwitches()).toList(),
                    h == null ? 0 : h.offeredPps(), h == null ? 0 : h.latency().p99(), ok));
        }
        List<BenchTable.Ratio> ratios = new ArrayList<>();
        for (DispatchModel m : ours) {
            BenchTable.Gateway g = gateway(gateways, m.label());
            for (DispatchModel p : theirs) {
                BenchTable.Gateway o = gateway(gateways, p.label());
                ratios.add(new BenchTable.Ratio(m.label(), p.label(), divide(g.deliveredPps(), o.deliveredPps()),
                        g.halfLoadP99Nanos() > 0 && o.halfLoadP99Nanos() > 0
                                ? (double) g.halfLoadP99Nanos() / o.halfLoadP99Nanos() : Double.NaN));
            }
            for (BenchTable.Limit l : limits) {
                if (l.unit().equals("pps")) {
                    ratios.add(new BenchTable.Ratio(m.label(), l.name(), divide(g.deliveredPps(), l.bySize()), Double.NaN));
                } else {
                    ratios.add(new BenchTable.Ratio(m.label(), l.name(), divide(g.hostCpuNanos(), l.bySize()), Double.NaN,
                            BenchTable.Ratio.CPU_IN_LIMITS));
                }
            }
        }
        List<BenchTable.Target> targets = targets(ours, theirs, gateways, sizeList);
        // a gateway that delivered (nearly) all the generator sent was held by the source, not by itself
        for (int i = 0; i < sizeList.size(); i++) {
            List<String> bound = new ArrayList<>();
            for (DispatchModel m : all) {
                RunResult r = maxRuns.get(m.label()).get(i);
                Object achieved = r.wire() == null ? null : r.wire().get("achievedPps");
                if (achieved instanceof Number n && n.doubleValue() > 0 && r.deliveredPps() >= 0.97 * n.doubleValue()) {
                    bound.add(String.format(Locale.ROOT, "%s (%.0f of %.0f kpps sent)", m.label(),
                            r.deliveredPps() / 1e3, n.doubleValue() / 1e3));
                }
            }
            if (!bound.isEmpty()) {
                notes.add("at " + sizeList.get(i) + " B the generator (encrypting every datagram on the device CPU) "
                        + "held " + String.join(", ", bound) + ": each such gateway's own maximum is at least what it "
                        + "delivered, and a ratio between gateways held by the source measures the source");
            }
        }
        for (RunResult r : runs) {
            if (!r.checks().passed()) {
                notes.add(r.model() + " at " + r.settings().get("sizes") + " B, rate " + r.settings().get("rate")
                        + " failed its checks: its figures are not results");
            }
        }
        BenchTable table = new BenchTable(sizeLabels, limits, gateways, ratios, targets, notes);
        table.print(System.out);
        ResultFiles.Document doc = new ResultFiles.Document("bench", args, runs, baselines, table);
        if (json != null) {
            ResultFiles.write(json, doc);
            System.out.println("wrote " + json);
        }
        if (html != null) {
            HtmlReport.write(html, List.of(new HtmlReport.Source(json != null ? json.getFileName().toString()
                    : "this bench", doc)));
            System.out.println("wrote " + html);
        }
        long failed = runs.stream().filter(r -> !r.checks().passed()).count();
        if (failed > 0) {
            throw new RunFailedException(failed + " of " + runs.size() + " runs failed their checks (see the notes)");
        }
        return 0;
    }

    private RunResult run(RunSpec spec, String name) throws Exception {
        return hdrLog.runner(spec, name, "bench").runSockets(spec);
    }

    /** The targets for the best of our models: 2x each peer at the first size, no worse at the others, lower p99. */
    private static List<BenchTable.Target> targets(List<DispatchModel> ours, List<DispatchModel> theirs,
                                                   List<BenchTable.Gateway> gateways, List<Integer> sizes) {
        List<BenchTable.Target> out = new ArrayList<>();
        if (theirs.isEmpty()) {
            return out;
        }
        BenchTable.Gateway best = null;
        for (DispatchModel m : ours) {
            BenchTable.Gateway g = gateway(gateways, m.label());
            if (best == null || g.deliveredPps().getFirst() > best.deliveredPps().getFirst()) {
                best = g;
            }
        }
        for (DispatchModel p : theirs) {
            BenchTable.Gateway o = gateway(gateways, p.label());
            for (int i = 0; i < sizes.size(); i++) {
                double required = i == 0 ? 2.0 : 1.0;
                double peer = o.deliveredPps().get(i);
                double ratio = peer > 0 ? best.deliveredPps().get(i) / peer : Double.NaN;
                out.add(new BenchTable.Target(best.name() + " / " + p.label() + " delivered at " + sizes.get(i) + " B",
                        ratio, required, false, !Double.isNaN(ratio) && ratio >= required));
            }
            if (best.halfLoadP99Nanos() > 0 && o.halfLoadP99Nanos() > 0) {
                double ratio = (double) best.halfLoadP99Nanos() / o.halfLoadP99Nanos();
                out.add(new BenchTable.Target(best.name() + " / " + p.label() + " p99 at half load", ratio, 1.0, true,
                        ratio < 1.0));
            }
        }
        return out;
    }

    private static BenchTable.Gateway gateway(List<BenchTable.Gateway> gs, String name) {
        for (BenchTable.Gateway g : gs) {
            if (g.name().equals(name)) {
                return g;
            }
        }
        throw new IllegalStateException("no gateway " + name);
    }

    private static List<Double> divide(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            double d = b.get(i);
            out.add(d > 0 ? a.get(i) / d : Double.NaN);
        }
        return out;
    }

    private static Workload withSize(Workload w, int size) {
        return new Workload(SizeMix.fixed(size), w.flows(), w.sas(), w.suite(), w.esn(), w.natt(), w.malformedShare(),
                w.replayShare(), w.badIcvShare(), w.seed(), w.port());
    }

    /** The dispatch limits, measured on a thread of their own (the measurement pins its thread). */
    private static Map<String, Object> dispatchLimits(RunSpec spec) throws Exception {
        Object[] out = new Object[1];
        Exception[] err = new Exception[1];
        Thread t = Thread.ofPlatform().name("bench-dispatch").start(() -> {
            try {
                out[0] = Calibration.dispatchLimits(spec.placement());
            } catch (Exception e) {
                err[0] = e;
            }
        });
        t.join();
        if (err[0] != null) {
            throw err[0];
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) out[0];
        return m;
    }

    static List<Integer> parseSizes(String text) {
        List<Integer> out = new ArrayList<>();
        for (String word : text.split(",", -1)) {
            int n;
            try {
                n = Integer.parseInt(word.strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--sizes: '" + word.strip() + "' is not a payload size in bytes (e.g. 64,1400)");
            }
            try {
                SizeMix.fixed(n);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--sizes: " + e.getMessage());
            }
            if (out.contains(n)) {
                throw new UsageException("--sizes: " + n + " is given twice");
            }
            out.add(n);
        }
        return out;
    }

    /** @return openssl's EVP name for the suite's cipher, or null when openssl speed has no single equivalent */
    static String opensslName(CipherSuite suite) {
        return switch (suite) {
            case AES128_GCM -> "aes-128-gcm";
            case AES256_GCM -> "aes-256-gcm";
            case CHACHA20_POLY1305 -> "chacha20-poly1305";
            default -> null;
        };
    }

    /**
     * Runs {@code openssl speed -mr -seconds 1 -evp NAME -bytes SIZE} and returns operations per second
     * (its bytes per second over the size).
     *
     * @throws IOException with a one-line reason when openssl is absent, the suite has no openssl
     *                     equivalent, or its output cannot be read
     */
    static double opensslSpeed(CipherSuite suite, int size) throws IOException, InterruptedException {
        String name = opensslName(suite);
        if (name == null) {
            throw new IOException("no openssl speed equivalent for suite " + suite.label());
        }
        Process p;
        try {
            p = new ProcessBuilder("openssl", "speed", "-mr", "-seconds", "1", "-evp", name, "-bytes",
                    Integer.toString(size)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("openssl is not installed (or not on PATH)");
        }
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.lines().reduce("", (a, b) -> a + b + "\n");
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl speed did not finish in 30 s");
        }
        return parseOpensslSpeed(out, size);
    }

    /** Parses {@code openssl speed -mr} output: the {@code +F:n:NAME:bytesPerSecond} line; returns ops/s. */
    static double parseOpensslSpeed(String output, int size) throws IOException {
        for (String line : output.split("\n")) {
            if (line.startsWith("+F:")) {
                String[] f = line.strip().split(":");
                try {
                    double bytesPerSecond = Double.parseDouble(f[f.length - 1]);
                    if (bytesPerSecond > 0) {
                        return bytesPerSecond / size;
                    }
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new IOException("could not read openssl speed's output (no +F: line)");
    }
}
