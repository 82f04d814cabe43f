package dev.dispatchlab.cli;

import dev.dispatchlab.crypto.AutoConfig;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.crypto.OffloadConfig;
import dev.dispatchlab.device.ArrivalProcess;
import dev.dispatchlab.device.Coalescing;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.esp.ReplayWindow;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.os.Cpus;
import dev.dispatchlab.os.CpuSet;
import dev.dispatchlab.run.Placement;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.workload.CipherSuite;
import dev.dispatchlab.workload.SizeMix;
import dev.dispatchlab.workload.Workload;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * The workload and run options {@code run} and {@code compare} share. Every value is checked here
 * and a bad one is a {@link UsageException} naming the flag (exit status 2).
 */
public final class RunOptions {

    @Option(names = "--crypto", defaultValue = "model", paramLabel = "DRIVER",
            description = "crypto driver: model (each model's own: offload for push/ithread/kcont/vthread, "
                    + "software for puller/busypoll), software, offload or auto (default: ${DEFAULT-VALUE})")
    String crypto;

    @Option(names = "--source", defaultValue = "synthetic", paramLabel = "SOURCE",
            description = "synthetic (the wire into NIC rings) or socket (a generator sends ESP-in-UDP over loopback "
                    + "to real sockets the models receive from with recvmmsg) (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--rate", defaultValue = "50000", paramLabel = "PPS",
            description = "offered packets per second (5000, 20k, 1.5M), or 'max' for saturation (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(names = "--arrivals", defaultValue = "constant", description = "constant or poisson (default: ${DEFAULT-VALUE})")
    String arrivals;

    @Option(names = "--size", defaultValue = "64", paramLabel = "BYTES",
            description = "inner payload size: 64, 512, 1400, a list like 64,1400, or imix (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--suite", defaultValue = "aes128gcm", description = "ESP algorithms (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--flows", defaultValue = "16", description = "inner flows (default: ${DEFAULT-VALUE})")
    int flows;

    @Option(names = "--sas", defaultValue = "4", description = "security associations (default: ${DEFAULT-VALUE})")
    int sas;

    @Option(names = "--esn", description = "extended sequence numbers")
    boolean esn;

    @Option(names = "--natt", description = "UDP encapsulation on port 4500 (RFC 3948)")
    boolean natt;

    @Option(names = "--malformed-share", defaultValue = "0", description = "share of malformed packets (0..0.5)")
    double malformedShare;

    @Option(names = "--replay-share", defaultValue = "0", description = "share of replayed packets (0..0.5)")
    double replayShare;

    @Option(names = "--bad-icv-share", defaultValue = "0", description = "share of packets with a corrupted ICV (0..0.5)")
    double badIcvShare;

    @Option(names = "--seed", defaultValue = "1", description = "seed for keys, bad packets and Poisson arrivals")
    long seed;

    @Option(names = "--warmup", defaultValue = "1s", paramLabel = "TIME", description = "warm-up (default: ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--measure", defaultValue = "3s", paramLabel = "TIME", description = "measured interval (default: ${DEFAULT-VALUE})")
    String measure;

    @Option(names = "--rings", defaultValue = "1", description = "NIC receive rings (default: ${DEFAULT-VALUE})")
    int rings;

    @Option(names = "--ring-size", defaultValue = "1024", description = "descriptors per ring (default: ${DEFAULT-VALUE})")
    int ringSize;

    @Option(names = "--coalesce", defaultValue = "1,0", paramLabel = "N,USEC",
            description = "NIC interrupt after N packets or USEC microseconds (default: ${DEFAULT-VALUE}: every packet)")
    String coalesce;

    @Option(names = "--budget", defaultValue = "64", description = "packets per context pass, the NAPI weight (default: ${DEFAULT-VALUE})")
    int budget;

    @Option(names = "--idle", defaultValue = "park", description = "how idle host contexts wait: park, yield, spin, spin-then-park (default: ${DEFAULT-VALUE})")
    String idle;

    @Option(names = "--queue", defaultValue = "4096", description = "capacity of queues between contexts (default: ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--socket-buffer", defaultValue = "4096", paramLabel = "PACKETS", description = "user socket receive buffer (default: ${DEFAULT-VALUE})")
    int socketBuffer;

    @Option(names = "--vworkers", defaultValue = "256", description = "virtual workers per ring, vthread model: how many packets can wait for the crypto card at once (default: ${DEFAULT-VALUE})")
    int vworkers;

    @Option(names = "--replay-window", defaultValue = "1024", description = "anti-replay window, packets (default: ${DEFAULT-VALUE})")
    int replayWindow;

    @Option(names = "--verify-inner-checksums", description = "verify UDP checksums of decrypted packets too")
    boolean verifyInner;

    @Option(names = "--host-cpus", paramLabel = "LIST", description = "CPUs for host threads, e.g. 1 or 1-3 (default: the last CPU)")
    String hostCpus;

    @Option(names = "--device-cpus", paramLabel = "LIST", description = "CPUs for device threads (default: CPU 0)")
    String deviceCpus;

    @Option(names = "--kernel-priority", defaultValue = "0", paramLabel = "PRIO",
            description = "SCHED_FIFO priority for the model's kernel-side host threads, above the user thread as "
                    + "interrupt context is; under overload they then starve the user (receive livelock, as "
                    + "without ksoftirqd). 0: normal priority, like ksoftirqd (default: ${DEFAULT-VALUE}; busypoll "
                    + "always runs normal)")
    int kernelPriority;

    @Option(names = "--engines", defaultValue = "1", description = "offload engine threads (default: ${DEFAULT-VALUE})")
    int engines;

    @Option(names = "--engine-latency", defaultValue = "5us", paramLabel = "TIME", description = "offload: added latency per request, a PCI round trip (default: ${DEFAULT-VALUE})")
    String engineLatency;

    @Option(names = "--engine-rate", defaultValue = "0", paramLabel = "BYTES/S", description = "offload: engine speed cap, 0 for none")
    long engineRate;

    @Option(names = "--crypto-ring", defaultValue = "1024", description = "offload: submission and completion ring size (default: ${DEFAULT-VALUE})")
    int cryptoRing;

    @Option(names = "--crypto-coalesce", defaultValue = "8,10", paramLabel = "N,USEC", description = "offload: completion interrupt after N completions or USEC (default: ${DEFAULT-VALUE})")
    String cryptoCoalesce;

    @Option(names = "--auto-threshold", defaultValue = "1024", paramLabel = "BYTES", description = "auto driver: payloads from this size go to the engine (default: ${DEFAULT-VALUE})")
    int autoThreshold;

    /** @return true for the socket source, false for the synthetic wire */
    public boolean socketSource() {
        return switch (source.toLowerCase(Locale.ROOT)) {
            case "synthetic", "wire" -> false;
            case "socket", "sockets" -> true;
            default -> throw new UsageException("--source: synthetic or socket, got '" + source + "'");
        };
    }

    /** @return the workload the options describe */
    public Workload workload() {
        CipherSuite s = CipherSuite.parse(suite);
        if (s == null) {
            throw new UsageException("--suite: unknown suite '" + suite + "' (one of " + CipherSuite.labels() + ")");
        }
        SizeMix sizes;
        try {
            sizes = SizeMix.parse(size);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--size: " + e.getMessage());
        }
        try {
            return new Workload(sizes, flows, sas, s, esn, natt, malformedShare, replayShare, badIcvShare, seed,
                    Workload.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw new UsageException("workload: " + e.getMessage());
        }
    }

    /** Refuses a flag's value outside {@code [min, max]}, naming the flag. */
    private static void range(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw new UsageException(flag + ": must be " + (max == Integer.MAX_VALUE ? "at least " + min
                    : "between " + min + " and " + max) + ", got " + value);
        }
    }

    /** @return the run spec for {@code model} */
    public RunSpec spec(DispatchModel model, Workload workload) {
        CryptoDrivers driver = null;
        if (!crypto.equalsIgnoreCase("model")) {
            driver = CryptoDrivers.byLabel(crypto);
            if (driver == null) {
                throw new UsageException("--crypto: unknown driver '" + crypto + "' (model, software, offload or auto)");
            }
        }
        double pps;
        if (rate.equalsIgnoreCase("max")) {
            pps = RunSpec.MAX_RATE;
        } else if (rate.matches(".*[kKM]")) {
            pps = SweepCommand.rate("--rate", rate.strip()); // 20k, 1.5M: as --rates takes them
        } else {
            try {
                pps = Double.parseDouble(rate.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UsageException("--rate: '" + rate + "' is not a rate (packets per second such as 5000, 20k or"
                        + " 1.5M, or 'max')");
            }
            if (!(pps > 0) || pps >= RunSpec.MAX_RATE) {
                throw new UsageException("--rate: must be above 0 and below 1e9 packets/s, or 'max'; got " + rate);
            }
        }
        ArrivalProcess ap = switch (arrivals.toLowerCase(Locale.ROOT)) {
            case "constant" -> ArrivalProcess.CONSTANT;
            case "poisson" -> ArrivalProcess.POISSON;
            default -> throw new UsageException("--arrivals: constant or poisson, got '" + arrivals + "'");
        };
        IdleStrategy idleStrategy;
        try {
            idleStrategy = IdleStrategies.parse(idle);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--idle: " + e.getMessage());
        }
        long[] c = pair("--coalesce", coalesce);
        long[] cc = pair("--crypto-coalesce", cryptoCoalesce);
        Coalescing coalescing;
        OffloadConfig offload;
        AutoConfig auto;
        try {
            coalescing = Coalescing.of((int) c[0], c[1]);
            offload = OffloadConfig.defaults().withEngines(engines).withRings(cryptoRing, cryptoRing)
                    .withRequestLatencyNanos(Durations.parse("--engine-latency", engineLatency).toNanos())
                    .withEngineBytesPerSecond(engineRate).withCoalescing((int) cc[0], cc[1] * 1000);
            auto = new AutoConfig(autoThreshold, Math.max(1, cryptoRing * 3 / 4));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        range("--rings", rings, 1, 64);
        range("--kernel-priority", kernelPriority, 0, 99);
        range("--ring-size", ringSize, 2, Integer.MAX_VALUE);
        range("--budget", budget, 1, Integer.MAX_VALUE);
        range("--queue", queue, 2, Integer.MAX_VALUE);
        range("--socket-buffer", socketBuffer, 2, Integer.MAX_VALUE);
        range("--vworkers", vworkers, 1, Integer.MAX_VALUE);
        range("--replay-window", replayWindow, 0, ReplayWindow.MAX_SIZE);
        // Every virtual worker owns a stage context (its counters), and a process has at most
        // StageContext.MAX_SLOTS open at once; keep a quarter of them for everything else.
        int maxWorkers = StageContext.MAX_SLOTS * 3 / 4;
        if ((long) vworkers * rings > maxWorkers) {
            throw new UsageException("--vworkers: at most " + maxWorkers + " virtual workers in all (--vworkers x --rings), got "
                    + vworkers + " x " + rings);
        }
        if (replayWindow > ReplayWindow.MAX_SIZE) {
            throw new UsageException("--replay-window: at most " + ReplayWindow.MAX_SIZE + ", got " + replayWindow);
        }
        try {
            return new RunSpec(model, driver, offload, auto, workload, pps, ap, Durations.parse("--warmup", warmup),
                    Durations.parse("--measure", measure), rings, ringSize, coalescing, budget, idleStrategy, queue,
                    socketBuffer, vworkers, replayWindow, verifyInner, placement(), kernelPriority);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Placement placement() {
        Placement d = Placement.defaults();
        CpuSet host = hostCpus == null ? d.host() : cpus("--host-cpus", hostCpus);
        CpuSet device = deviceCpus == null ? d.device() : cpus("--device-cpus", deviceCpus);
        return new Placement(host, device);
    }

    private static CpuSet cpus(String flag, String list) {
        CpuSet s;
        try {
            s = CpuSet.parse(list);
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
        int online = Cpus.online();
        for (int c : s.cpus()) {
            if (c >= online) {
                throw new UsageException(flag + ": CPU " + c + " does not exist (this machine has " + online + ")");
            }
        }
        return s;
    }

    private static long[] pair(String flag, String v) {
        String[] p = v.split(",");
        if (p.length != 2) {
            throw new UsageException(flag + ": expected N,USEC, got '" + v + "'");
        }
        try {
            return new long[]{Long.parseLong(p[0].strip()), Long.parseLong(p[1].strip())};
        } catch (NumberFormatException e) {
            throw new UsageException(flag + ": expected N,USEC, got '" + v + "'");
        }
    }
}
