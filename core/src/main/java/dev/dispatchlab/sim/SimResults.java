package dev.dispatchlab.sim;

import dev.dispatchlab.crypto.CryptoCounter;
import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.report.Environment;
import dev.dispatchlab.run.RunResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated results in the runtime's result shape ({@link RunResult}), so that {@code report} shows
 * them beside measured ones. What marks them: the settings {@code simulated: true} and
 * {@code profile: NAME}, an environment whose host is {@code "simulated"} and whose CPU model is the
 * profile's title, and a note. Host figures are the simulated host CPU's; the device role holds the
 * device CPU's threads (the wire and the card's engine, where they run as threads) or else the card's
 * busy time; there are no other (JVM) threads.
 */
public final class SimResults {

    private SimResults() {
    }

    public static RunResult toRunResult(SimResult r) {
        SimSpec s = r.spec();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("simulated", true);
        settings.put("profile", s.profile().name());
        settings.put("profileOrigin", s.profile().origin());
        settings.put("model", s.model().label());
        settings.put("crypto", s.effectiveCrypto().label());
        settings.put("rate", s.ratePps() >= SimSpec.MAX_RATE ? "max" : s.ratePps());
        settings.put("arrivals", s.arrivals().name().toLowerCase(java.util.Locale.ROOT));
        settings.put("sizes", s.sizes().label());
        settings.put("seed", s.seed());
        settings.put("warmupSeconds", s.warmupNs() / 1e9);
        settings.put("measureSeconds", s.measureNs() / 1e9);
        settings.put("rings", 1);
        settings.put("ringCapacity", s.ringCapacity());
        settings.put("coalescing", s.coalescePackets() + " packets or " + s.coalesceNs() / 1000 + " us");
        settings.put("budget", s.budget());
        settings.put("idle", s.model().spins() ? "spin" : "sleep");
        settings.put("userIdle", s.model().spins() ? "spin" : "sleep");
        settings.put("queueCapacity", s.queueCapacity());
        settings.put("socketCapacity", s.socketCapacity());
        settings.put("engineLatencyNs", s.engineLatencyNs());
        settings.put("engineRate", s.engineRate());
        settings.put("cryptoRing", s.cryptoRing());
        settings.put("cryptoCoalescing", s.cryptoCoalesceCount() + " completions or " + s.cryptoCoalesceNs() / 1000 + " us");
        settings.put("interrupts", s.interruptsOnHost() ? "host CPU" : "device CPU");
        settings.put("kernelPriority", s.effectiveKernelPriority());
        settings.put("tickNs", s.tickNs());
        settings.put("sliceNs", s.sliceNs());
        settings.put("shortIdleNs", s.shortIdleNs());
        settings.put("placement", "simulated: host CPU 0" + (s.interruptsOnHost() ? "" : ", devices on their own CPU"));
        settings.put("simulatedEvents", r.events());

        Environment env = new Environment(Environment.SIMULATED, "simulated dispatch (profile " + s.profile().name() + ")",
                "simulated", s.profile().title(), s.profile().cpus(), 0, System.getProperty("java.version"),
                "dispatchlab simulator", "", List.of(), 0, List.of());
        SimResult.Totals t = r.totals();
        RunResult.RoleCounts host = new RunResult.RoleCounts(r.threads().size(), r.voluntary(), r.involuntary(),
                t.hostCpuNanos());
        RunResult.RoleCounts device = deviceCounts(r, t);
        RunResult.RoleCounts other = new RunResult.RoleCounts(0, 0, 0, 0);
        RunResult.PerPacket pp = new RunResult.PerPacket(r.hostSwitches(), r.hostVoluntary(), 0, r.handoffs(),
                r.wakeups(), r.interrupts(), r.hostCpuNanos(), r.deviceCpuNanos());
        SimResult.Latency l = r.latency();
        RunResult.Latency lat = new RunResult.Latency(l.count(), l.p50(), l.p90(), l.p99(), l.p999(), l.max(), l.mean());
        RunResult.AccountingResult acc = new RunResult.AccountingResult(r.offered(), r.delivered(), 0, 0, r.dropped(), 0,
                r.balanced(), r.allDrops());
        RunResult.Checks checks = new RunResult.Checks(r.balanced(), 0, List.of(),
                r.balanced() ? null : "simulated accounting does not balance");
        List<RunResult.ThreadCounts> threads = new ArrayList<>();
        for (Map.Entry<String, long[]> e : r.threads().entrySet()) {
            threads.add(new RunResult.ThreadCounts(e.getKey(), "host", e.getValue()[0], e.getValue()[1],
                    e.getValue()[2], e.getValue()[3], "simulated (measured interval)"));
        }
        for (Map.Entry<String, long[]> e : r.deviceThreads().entrySet()) {
            threads.add(new RunResult.ThreadCounts(e.getKey(), "device", e.getValue()[0], e.getValue()[1],
                    e.getValue()[2], e.getValue()[3], "simulated (measured interval)"));
        }
        Map<String, Long> events = new LinkedHashMap<>();
        events.put("handoffs", t.handoffs());
        events.put("wakeups", t.wakeups());
        events.put("interrupts", t.interrupts());
        List<String> notes = List.of(); // the settings and the environment mark the run simulated
        return new RunResult(s.model().label(), s.model().description(), s.effectiveCrypto().label(),
                s.sizes().label() + "-byte payloads, simulated", settings, env, s.measureNs() / 1e9, r.offeredPps(),
                r.deliveredPps(), r.payloadGbps(), host, device, other, pp, lat, r.drops(), events, acc, checks,
                Map.of(), cardStats(s, t), threads, notes, Map.of());
    }

    /**
     * @return the card's counts over the measured interval under the runtime driver's names ({@code
     *         cryptoStats.events}: engine requests, engine wakeups, completion interrupts), or an empty map
     *         for the software driver
     */
    private static Map<String, Object> cardStats(SimSpec s, SimResult.Totals t) {
        if (s.effectiveCrypto() == CryptoDrivers.SOFTWARE) {
            return Map.of();
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put(CryptoCounter.ENGINE_REQUESTS.label(), t.engineRequests());
        ev.put(CryptoCounter.ENGINE_WAKEUPS.label(), t.engineWakeups());
        ev.put(CryptoCounter.INTERRUPTS.label(), t.completionInterrupts());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("owner", "simulated card (measured interval)");
        stats.put("events", ev);
        return stats;
    }

    /** @return true if {@code r} is a simulated result */
    public static boolean simulated(RunResult r) {
        return r.settings() != null && Boolean.TRUE.equals(r.settings().get("simulated"));
    }

    /**
     * @return the device role's counts: its threads' switches and CPU where the wire and the engine run
     *         as threads on the device CPU (as the runtime counts its device threads), else the card's busy
     *         time alone
     */
    private static RunResult.RoleCounts deviceCounts(SimResult r, SimResult.Totals t) {
        if (r.deviceThreads().isEmpty()) {
            return new RunResult.RoleCounts(0, 0, 0, t.deviceCpuNanos());
        }
        long vol = 0;
        long inv = 0;
        long cpu = 0;
        for (long[] c : r.deviceThreads().values()) {
            vol += c[0];
            inv += c[1];
            cpu += c[2];
        }
        return new RunResult.RoleCounts(r.deviceThreads().size(), vol, inv, cpu);
    }
}
