package dev.dispatchlab.cli;

import dev.dispatchlab.blast.BlastConfig;
import dev.dispatchlab.blast.BlastReport;
import dev.dispatchlab.blast.Blaster;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.esp.ReplayWindow;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaConfigWriter;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code dispatchlab blast}: the traffic generator, a process of its own that sends a workload's ESP
 * traffic as ESP-in-UDP to a receiver's socket source (see {@link Blaster} for how, and why every
 * datagram is encrypted as it is sent). Prints a status line a second and a final report of the
 * rate it achieved; {@code --write-sa} writes the SAs the receiver needs before the first datagram.
 */
@Command(name = "blast", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Sends ESP-in-UDP (RFC 3948) traffic of a workload to a receiver at a target rate.",
                "Every datagram is encrypted as it is sent, so sequence numbers only grow: a receiver in another"
                        + " process needs only the SAs (--write-sa) and an ordinary replay window.",
                "Two commands: start blast with --write-sa FILE, then the receiver with that SA file (sends refused"
                        + " while nothing listens are counted, not fatal)."})
public final class BlastCommand implements Callable<Integer> {

    /** Encryptions with throwaway keys before the clock starts (a fraction of a second): see {@link Blaster#warmUp}. */
    static final int WARM_UP_PACKETS = 30_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--to", paramLabel = "HOST:PORT", description = "the receiver's address (required)")
    String to;

    @Option(names = "--rate", paramLabel = "PPS|max", defaultValue = "max",
            description = "datagrams per second, all threads together, or max (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(names = "--duration", paramLabel = "TIME", description = "how long to send, e.g. 10s or 500ms (default 10s unless --packets)")
    String duration;

    @Option(names = "--packets", paramLabel = "N",
            description = "datagrams to send, bad ones included (0: write the SA file and exit)")
    Long packets;

    @Option(names = "--size", paramLabel = "64|512|1400|imix|LIST", defaultValue = "64",
            description = "inner UDP payload bytes (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--flows", paramLabel = "N", defaultValue = "16", description = "inner flows (default: ${DEFAULT-VALUE})")
    int flows;

    @Option(names = "--sas", paramLabel = "N", defaultValue = "4",
            description = "security associations, each a pair of SPIs (default: ${DEFAULT-VALUE})")
    int sas;

    @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "aes128gcm",
            description = "ESP algorithms (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--esn", description = "extended (64-bit) sequence numbers")
    boolean esn;

    @Option(names = "--malformed-share", paramLabel = "x", defaultValue = "0",
            description = "share of malformed datagrams (unknown SPI, truncated ESP)")
    double malformedShare;

    @Option(names = "--replay-share", paramLabel = "x", defaultValue = "0",
            description = "share of repeated datagrams (the receiver's anti-replay drops them)")
    double replayShare;

    @Option(names = "--bad-icv-share", paramLabel = "x", defaultValue = "0",
            description = "share of datagrams with a corrupted ICV")
    double badIcvShare;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed of keys and bad traffic (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--inner-port", paramLabel = "PORT", defaultValue = "" + Workload.DEFAULT_PORT,
            description = "inner UDP destination port, the receiving user's (default: ${DEFAULT-VALUE})")
    int innerPort;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + BlastConfig.DEFAULT_BATCH,
            description = "datagrams per sendmmsg, the unit of pacing (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--sockets", paramLabel = "N",
            description = "sending sockets, each its own source port and its own SAs (default: one per SA, at most 64)")
    Integer sockets;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "sending threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--write-sa", paramLabel = "FILE", description = "write the receiver's SAs to FILE before sending")
    Path writeSa;

    @Option(names = "--sa-format", paramLabel = "esp_sa|xfrm", defaultValue = "esp_sa",
            description = "SA file format: Wireshark esp_sa, or ip xfrm state commands (default: ${DEFAULT-VALUE})")
    String saFormat;

    @Option(names = "--replay-window", paramLabel = "N", defaultValue = "" + ReplayWindow.DEFAULT_SIZE,
            description = "the receiver's anti-replay window written into xfrm SA files (default: ${DEFAULT-VALUE})")
    int replayWindow;

    @Option(names = "--quiet", description = "no status line every second")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Outputs.check("--write-sa", writeSa, List.of());
        BlastConfig config = config();
        boolean xfrm = saFormat();
        if (replayWindow < 0 || replayWindow > ReplayWindow.MAX_SIZE) {
            throw new UsageException("--replay-window must be 0.." + ReplayWindow.MAX_SIZE + ", got " + replayWindow);
        }
        try (Blaster blaster = new Blaster(config, Clock.SYSTEM)) {
            out.printf("blast: %s -> %s, %d socket%s (ports %d..), %d thread%s, %s; rate %s, %s%n",
                    blaster.sourceAddress().getHostAddress(), hostPort(config.target()), config.sockets(),
                    config.sockets() == 1 ? "" : "s", blaster.sourcePort(0), config.threads(),
                    config.threads() == 1 ? "" : "s", config.workload().describe(),
                    config.ratePps() > 0 ? String.format("%,.0f pkt/s", config.ratePps()) : "max",
                    config.byCount() ? String.format("%,d datagrams", config.packets())
                            : String.format("%.1f s", config.durationNanos() / 1e9));
            if (writeSa != null) {
                List<SaConfig> sas = blaster.saConfigs(replayWindow);
                writeSaFile(sas, xfrm, config);
                out.printf("blast: wrote %d SAs to %s (%s)%n", sas.size(), writeSa, xfrm ? "xfrm" : "esp_sa");
            }
            out.flush();
            if (config.byCount() && config.packets() == 0) {
                return 0;
            }
            blaster.warmUp(WARM_UP_PACKETS);
            // Ctrl-C stops the sending and still gets the final report
            CountDownLatch reported = new CountDownLatch(1);
            Thread hook = Thread.ofPlatform().name("blast-stop").unstarted(() -> {
                blaster.stop();
                try {
                    reported.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                blaster.start(Thread.ofPlatform().name("blast-", 0).factory());
                status(blaster, out);
                if (!blaster.join(Duration.ofSeconds(30))) {
                    throw new RunFailedException("a sending thread did not end");
                }
                if (blaster.failure() != null) {
                    throw new RunFailedException("sending failed: " + blaster.failure().getMessage());
                }
                BlastReport r = blaster.report();
                out.println(r.describe());
                out.flush();
            } finally {
                reported.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns now that the report is out
                }
            }
        }
        return 0;
    }

    /** Prints a status line a second until the sending threads end. */
    private void status(Blaster b, PrintWriter out) throws InterruptedException {
        long start = b.startNanos();
        long lastSent = 0;
        long lastBytes = 0;
        long lastNanos = start;
        for (int second = 1; !b.ended(); second++) {
            long due = start + second * 1_000_000_000L;
            while (!b.ended()) {
                long left = due - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
            }
            if (b.ended() || quiet) {
                continue;
            }
            long now = System.nanoTime();
            long sent = b.sent();
            long bytes = b.bytes();
            double dt = (now - lastNanos) / 1e9;
            out.printf("  %5.1f s  %,12.0f pkt/s  %7.3f Gbit/s  sent %,14d  max lag %8.3f ms%s%n",
                    (now - start) / 1e9, (sent - lastSent) / dt, (bytes - lastBytes) * 8 / dt / 1e9, sent,
                    b.maxLagNanos() / 1e6, b.refused() > 0 ? String.format("  refused %,d", b.refused()) : "");
            out.flush();
            lastSent = sent;
            lastBytes = bytes;
            lastNanos = now;
        }
    }

    private BlastConfig config() {
        if (to == null) {
            throw new UsageException("--to HOST:PORT is required (the receiver's address, e.g. 127.0.0.1:4500)");
        }
        InetSocketAddress target = SocketConfig.parseAddress(to, "--to");
        if (target.getPort() == 0) {
            throw new UsageException("--to: give the receiver's port, e.g. " + target.getAddress().getHostAddress()
                    + ":" + SocketConfig.NATT_PORT);
        }
        double pps;
        if (rate.strip().equalsIgnoreCase("max")) {
            pps = 0;
        } else {
            try {
                pps = Double.parseDouble(rate.strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--rate must be packets per second or max, got '" + rate + "'");
            }
            if (!(pps > 0) || pps >= BlastConfig.MAX_RATE) {
                throw new UsageException("--rate must be a positive number of packets per second below 1e9, or max;"
                        + " got '" + rate + "'");
            }
        }
        if (duration != null && packets != null) {
            throw new UsageException("give --duration or --packets, not both");
        }
        long durationNanos = 0;
        long count = -1;
        if (packets != null) {
            if (packets < 0) {
                throw new UsageException("--packets must be >= 0, got " + packets);
            }
            count = packets;
        } else {
            double s = duration == null ? 10 : Durations.parse("--duration", duration).toNanos() / 1e9;
            if (!(s > 0) || s > 1e6) {
                throw new UsageException("--duration must be a positive number of seconds, got " + s);
            }
            durationNanos = (long) (s * 1e9);
        }
        CipherSuite cs = CipherSuite.parse(suite.strip());
        if (cs == null) {
            throw new UsageException("unknown --suite '" + suite + "'; choose one of " + CipherSuite.labels());
        }
        SizeMix sizes = SizeMix.parse(size);
        Workload w = new Workload(sizes, flows, sas, cs, esn, true, malformedShare, replayShare, badIcvShare, seed,
                innerPort);
        int socketCount = sockets == null ? BlastConfig.defaultSockets(w) : sockets;
        return new BlastConfig(target, w, pps, durationNanos, count, batch, socketCount, threads);
    }

    private boolean saFormat() {
        return switch (saFormat.strip().toLowerCase(Locale.ROOT)) {
            case "esp_sa", "wireshark" -> false;
            case "xfrm" -> true;
            default -> throw new UsageException("--sa-format must be esp_sa or xfrm, got '" + saFormat + "'");
        };
    }

    /** Writes the SA file whole or not at all (a temporary file moved into place), so a reader never sees half. */
    private void writeSaFile(List<SaConfig> sas, boolean xfrm, BlastConfig config) throws IOException {
        String comment = "SAs of dispatchlab blast to " + hostPort(config.target()) + ": " + config.workload().describe()
                + ", seed " + config.workload().seed() + "\nthe keys are secret to this test traffic only";
        String text = xfrm ? SaConfigWriter.xfrm(sas, comment) : SaConfigWriter.wireshark(sas, comment);
        Path abs = writeSa.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // the keys never stay behind in a stray file
            throw new UsageException("--write-sa: cannot write " + writeSa + ": " + e, e);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
