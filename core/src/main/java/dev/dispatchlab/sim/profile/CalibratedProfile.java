package dev.dispatchlab.sim.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * This machine's profile, built from the JSON {@code calibrate} writes. The simulator with this
 * profile must predict what {@code compare} measures here, so the mapping follows how the runtime
 * spends its time:
 *
 * <ul>
 * <li><b>Switch and wakeup.</b> {@code wakeupSameCpu.handoffNanos} is half a ping-pong round trip of
 *     two threads on one CPU: the waker's futex wake, the sleeper's futex wait, the switch, and the
 *     incoming thread's refill. It is split as {@code wakeup} 15 %, {@code sleep} 15 %,
 *     {@code context_switch} 50 %, {@code switch_refill} 20 %; the split is an estimate (ranged, so the
 *     sensitivity analysis varies it), the sum is the measurement. Wake and sleep are even because a
 *     {@code sched_switch} trace of {@code scripts/experiments/Pair.java} shows a thread that sleeps
 *     after each item and the thread that wakes it (and is then preempted) running about as long per
 *     round: 4.29 and 4.33 us. {@code softintRoundTrip} (two such handoffs through a softint
 *     thread) is a cross-check, not a separate figure. {@code cross_cpu_wakeup} is
 *     {@code wakeupCrossCpu - wakeupSameCpu}.</li>
 * <li><b>Interrupt.</b> The runtime's host takes no device interrupt, but every wakeup the wire or
 *     the engine sends from the device CPU reaches a busy host CPU as an inter-processor interrupt, and
 *     in a guest that is a round of exits. calibrate's {@code wakeupOfBusyCpu} measures what such a
 *     wakeup costs the CPU it lands on (a thread computing there loses that much progress per wakeup);
 *     {@code hard_interrupt} is that less the two switches the simulator charges on its own (to the
 *     woken thread and back, {@code context_switch + switch_refill} each). Without it (one CPU, an
 *     older file) {@code hard_interrupt} is an estimate.</li>
 * <li><b>Receive.</b> calibrate's stage pipeline runs on one CPU with each frame hot in its cache, but the
 *     runtime's wire writes frames on the device CPU, so the host reads every one cold. calibrate's
 *     {@code inPlace.pathNanos} measures the path as the runtime has it (the real wire on the device CPU,
 *     the real ring, one host thread running every stage to the socket), and {@code inPlace.rxNanos} the
 *     receive alone the same way (each frame through the link stage, then released). {@code stage_rx} is
 *     the receive in place, and the rest of the path's cost beyond the hot stages (the packet's other
 *     cache lines, which the host reads first at the delivery after a card, at the cipher in software,
 *     in the same context) is added to {@code stage_deliver}. When the path in place costs less than the
 *     receive and the hot stages add up to (the hot figures are timed on one CPU with the packets in its
 *     cache, in older calibrations differences of medians, a negative one charged as 0, and a cipher line
 *     fitted over three sizes: in one of three older calibrations of one session here the ESP difference
 *     came out at 367 ns against 75 and 144 in the others, and the hot stages half as much again as the
 *     path they make up), the path measured whole is what they must sum to: the per-packet figures
 *     after the receive ({@code stage_ip}, {@code stage_esp}, {@code crypto_fixed},
 *     {@code stage_deliver}) are scaled to it, the cipher's per-byte slope kept (one size was measured
 *     in place), so that the software path costs what it costs in place and the card's engine, whose
 *     CPU per request is measured whole, keeps the rest. An older file without {@code rxNanos}: all
 *     of it goes to {@code stage_rx}. Without either (one CPU, an older file) {@code stage_rx}
 *     adds to the link stage the frame's cache lines, plus two for the descriptor and buffer header, each
 *     at {@code spinHandoffCrossCpu}, an estimate.</li>
 * <li><b>Card.</b> The emulated card's engine is a thread on the device CPU. calibrate measures it in
 *     place: fed with the wire's frames through the receive path, the wire flat out beside it on its
 *     CPU. {@code engine_per_request} is the engine's CPU per request there
 *     ({@code inPlace.offloadBesideWireEngineNanosPerRequest}) less the cipher; how much of its CPU the
 *     engine gets beside the wire is not a figure of the profile: the simulation schedules the two
 *     threads there. On prepared requests, alone, the engine costs about half as much; a calibration
 *     without the in-place figures falls back to that ({@code inPlace.offloadEngineNanosPerRequest}).
 *     {@code card_host_per_request} is the host's CPU per packet through the card in place
 *     ({@code inPlace.offloadBesideWireHostNanosPerRequest}) less the stages, or, where that is less,
 *     {@code inPlace.offloadHostNanosPerRequest} (the submitting and draining host thread's CPU per
 *     request on prepared requests, alone). {@code card_refusal} is what a frame the full ring
 *     refuses costs the host beyond its stages, from the refusing trial ({@code inPlace.offloadRefusalHostNanos}
 *     less receive, IP and ESP): at the maximum rate the stages take one to three such frames for every
 *     packet the card returns. {@code engine_idle_spin}, how long the engine polls
 *     idle before it parks, holding the CPU it shares with the wire, comes from the isolated-request
 *     trial ({@code inPlace.offloadIsolatedEngineNanosPerRequest}: one request at a time, the engine
 *     parking between them): its CPU per request less what the simulation holds it for besides (the
 *     work, or the request's latency less its own wakeup, then the coalescing delay). Near saturation
 *     it sets how long the wire waits and so how large the bursts are. Without the trial, an estimate.
 *     {@code wire_frame} is how fast the runtime's wire places frames flat out
 *     ({@code inPlace.wireFrameNanos}: its thread's CPU over the path and receive trials, fitted per frame
 *     placed and per frame refused): a run at the maximum rate is offered frames that far apart, and the
 *     receiving thread, a little faster than the wire when it has the CPU, finds the ring empty and
 *     sleeps. Without it, 0 (four times what one CPU could take, as for a real wire).</li>
 * <li><b>Stages.</b> calibrate times each stage on its own, over batches of packets taken untimed through
 *     the stages before it; ESP without the cipher is still a difference (ESP less the cipher alone, the
 *     median of the trials' differences). Older calibrations took differences of cumulative pipelines,
 *     where the link and outer IP stages, tens of nanoseconds, were below the noise of a difference of two
 *     ~500 ns medians and could come out negative. A figure below {@value #NOISE_NS} ns is taken as
 *     {@code max(figure, 0)}, marked estimated with the range [0, {@value #NOISE_NS}] ns; the others
 *     are kept. The cipher comes from the per-packet/per-byte fit over three sizes, not the one-size
 *     figure. The whole path ({@code wholePathNanos}) is reported beside the sum for a check.</li>
 * <li><b>User.</b> The runtime's user takes packets from an in-process socket, so {@code syscall} is
 *     0 and the user's work per packet ({@code userNanos}) is the copy, per byte of the payload.</li>
 * <li><b>No figure from calibrate.</b> The hard interrupt entry, fast softint dispatch and TLB figures
 *     are estimates with ranges (the runtime has no hardware interrupts or fast softints; its device
 *     threads raise lines on their own CPU).</li>
 * </ul>
 */
public final class CalibratedProfile {

    /** A switch's cost varies by this share of it (see {@link CostParam#SWITCH_SPREAD}). */
    static final double SWITCH_SPREAD = 0.2;
    /** The JDK's carrier looks for work this long before it parks (see {@link CostParam#CARRIER_SPIN}). */
    static final double CARRIER_SPIN_NS = 6300;


    /** Stage differences below this are noise (see the class note). */
    static final double NOISE_NS = 25;

    private CalibratedProfile() {
    }

    /** Builds the profile from a calibration file. */
    public static Profile fromFile(Path file) throws ProfileException {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ProfileException(file + ": cannot read the calibration (" + (Files.exists(file)
                    ? e.getClass().getSimpleName() : "no such file") + ")");
        }
        return from(doc, file.toString());
    }

    /** Builds the profile from a calibration document; {@code file} names it in messages and sources. */
    public static Profile from(JsonNode doc, String file) throws ProfileException {
        String f = Path.of(file).getFileName().toString();
        JsonNode prim = need(doc, "primitives", file);
        JsonNode stages = need(doc, "stages", file);
        JsonNode crypto = need(doc, "crypto", file);
        double same = num(need(prim, "wakeupSameCpu", file), "handoffNanos", file + ": primitives.wakeupSameCpu");
        double cross = num(need(prim, "wakeupCrossCpu", file), "handoffNanos", file + ": primitives.wakeupCrossCpu");
        double sched = num(prim, "softintScheduleCoalescedNanos", file + ": primitives");
        double cont = num(prim, "continuationImmediateNanos", file + ": primitives");
        double vt = num(need(prim, "virtualThreadParkUnpark", file), "handoffNanos", file + ": primitives.virtualThreadParkUnpark");
        double payload = num(stages, "payloadBytes", file + ": stages");
        double link = num(stages, "linkInputNanos", file + ": stages");
        double ip = num(stages, "ipInputNanos", file + ": stages");
        double esp = num(stages, "espInputExcludingCryptoNanos", file + ": stages");
        double deliver = num(stages, "innerIpUdpSocketNanos", file + ": stages");
        double user = num(stages, "userNanos", file + ": stages");
        double whole = num(stages, "wholePathNanos", file + ": stages");
        boolean timed = stages.has("stageBatch"); // each stage timed on its own, not a difference of pipelines
        double perPacket = num(crypto, "perPacketNanos", file + ": crypto");
        double perByte = num(crypto, "perByteNanos", file + ": crypto");
        String suite = crypto.path("suite").asText("aes128gcm");

        JsonNode env = doc.path("environment");
        String machine = env.path("cpuModel").asText("this machine") + ", " + env.path("os").asText("")
                + ", " + env.path("jdk").asText("") + " (" + env.path("host").asText("") + ")";
        int cpus = Math.max(1, env.path("cpus").asInt(1));

        Map<CostParam, Cost> c = new EnumMap<>(CostParam.class);
        String cal = "calibrate (" + f + ")";
        c.put(CostParam.CLOCK_MHZ, new Cost(clockMhz(), Unit.MHZ, Kind.CONFIGURED,
                "/proc/cpuinfo 'cpu MHz' of the machine building the profile; no figure here is given in cycles",
                Double.NaN, Double.NaN));
        JsonNode busy = prim.get("wakeupOfBusyCpu");
        if (busy != null && busy.has("lostNanosPerWakeup")) {
            double lost = num(busy, "lostNanosPerWakeup", file + ": primitives.wakeupOfBusyCpu");
            double switches = 2 * (0.5 + 0.2) * same; // context_switch + switch_refill, to the woken thread and back
            c.put(CostParam.HARD_INTERRUPT, new Cost(Math.max(0, lost - switches), Unit.NS, Kind.DERIVED,
                    cal + ": wakeupOfBusyCpu.lostNanosPerWakeup " + r(lost) + " (what a wakeup sent from the device CPU "
                            + "costs the host CPU while a thread computes there) - 2 x (context_switch + switch_refill) "
                            + r(switches) + ": the inter-processor interrupt, in a guest its exits", Double.NaN, Double.NaN));
        } else {
            c.put(CostParam.HARD_INTERRUPT, new Cost(1000, Unit.NS, Kind.ESTIMATED,
                    "not measured by calibrate (the runtime's interrupts are device threads raising lines on their own CPU); "
                            + "a KVM guest's interrupt entry and exit with its APIC exit", 300, 3000));
        }
        c.put(CostParam.CONTEXT_SWITCH, new Cost(0.5 * same, Unit.NS, Kind.ESTIMATED,
                cal + ": 50 % of wakeupSameCpu.handoffNanos " + r(same) + " (the switch); split estimated",
                0.3 * same, 0.7 * same));
        c.put(CostParam.SWITCH_REFILL, new Cost(0.2 * same, Unit.NS, Kind.ESTIMATED,
                cal + ": 20 % of wakeupSameCpu.handoffNanos " + r(same) + " (incoming thread's refill); split estimated",
                0.05 * same, 0.4 * same));
        c.put(CostParam.WINDOW_SPILL_FILL, new Cost(0, Unit.NS, Kind.CONFIGURED,
                "x86-64 has no register windows", Double.NaN, Double.NaN));
        c.put(CostParam.TLB_REFILL, new Cost(30, Unit.NS, Kind.ESTIMATED,
                "hardware page walk hitting the caches, nested paging in a guest", 10, 100));
        c.put(CostParam.TLB_MISSES_PER_SWITCH, new Cost(0, Unit.COUNT, Kind.ESTIMATED,
                "the runtime's threads share one address space (no ASID change); working-set misses are in switch_refill",
                0, 20));
        c.put(CostParam.SWITCH_SPREAD, new Cost(SWITCH_SPREAD, Unit.COUNT, Kind.ESTIMATED,
                "sched_switch traces here (scripts/experiments/Pair.java, Nap.java): a two-thread cycle of 5 to 14 us "
                        + "varies by 0.5 to 0.8 us (standard deviation), the switches' share of it taken as a fifth of a "
                        + "switch's cost", 0, 0.4));
        c.put(CostParam.WAKEUP, new Cost(0.15 * same, Unit.NS, Kind.ESTIMATED,
                cal + ": 15 % of wakeupSameCpu.handoffNanos " + r(same) + " (the waker's futex wake); split estimated",
                0.05 * same, 0.3 * same));
        c.put(CostParam.SLEEP, new Cost(0.15 * same, Unit.NS, Kind.ESTIMATED,
                cal + ": 15 % of wakeupSameCpu.handoffNanos " + r(same) + " (the sleeper's futex wait up to the switch); "
                        + "split estimated", 0.05 * same, 0.3 * same));
        c.put(CostParam.CROSS_CPU_WAKEUP, new Cost(Math.max(0, cross - same), Unit.NS, Kind.DERIVED,
                cal + ": wakeupCrossCpu " + r(cross) + " - wakeupSameCpu " + r(same) + " ns", Double.NaN, Double.NaN));
        c.put(CostParam.CROSS_CPU_WAKER, crossCpuWaker(busy, cal, file));
        c.put(CostParam.SOFTINT_SCHEDULE, new Cost(sched, Unit.NS, Kind.MEASURED,
                cal + ": primitives.softintScheduleCoalescedNanos", Double.NaN, Double.NaN));
        c.put(CostParam.SOFTINT_DISPATCH, new Cost(100, Unit.NS, Kind.ESTIMATED,
                "the runtime has no fast softints; Linux do_softirq entry and exit is of this order", 30, 300));
        c.put(CostParam.CONTINUATION_DISPATCH, new Cost(cont, Unit.NS, Kind.MEASURED,
                cal + ": primitives.continuationImmediateNanos", Double.NaN, Double.NaN));
        c.put(CostParam.VTHREAD_PARK_UNPARK, new Cost(vt, Unit.NS, Kind.MEASURED,
                cal + ": primitives.virtualThreadParkUnpark.handoffNanos", Double.NaN, Double.NaN));
        c.put(CostParam.CARRIER_SPIN, new Cost(CARRIER_SPIN_NS, Unit.NS, Kind.ESTIMATED,
                "scripts/experiments/Carrier.java DELAY 1000 (one carrier on CPU 1, a virtual thread unparked DELAY "
                        + "after it parked), 2026-12-07: the carrier slept 0.001 to 0.047 times a run for delays of 1 to "
                        + "6 us, 0.43 at 6.25, 0.67 at 6.5, 0.99 at 8 (JDK 25's ForkJoinPool spins before it deactivates "
                        + "a worker)", 4000, 8000));
        c.put(CostParam.SYSCALL, new Cost(0, Unit.NS, Kind.CONFIGURED,
                "the runtime's user reads an in-process socket, no system call; its per-packet work is user_copy_per_byte",
                Double.NaN, Double.NaN));
        JsonNode in = doc.get("inPlace");
        double rx = Math.max(0, link);
        double cold = 0; // the in-place path's cost beyond the receive and the hot stages, when both are measured
        double fit = 1; // the hot stages' per-packet figures against the in-place path, when that is less (below)
        String fitSource = "";
        String coldSource = "";
        if (in != null && in.has("pathNanos")) {
            // Measured as the runtime has it: frames written by the wire on the device CPU, taken off the
            // real ring by one host thread and run to the socket. What the hot stages do not account for
            // is the receive: the ring, the buffer, and the frame's cache lines coming from the other CPU.
            double path = num(in, "pathNanos", file + ": inPlace");
            double bytes = in.path("payloadBytes").asDouble(payload);
            double hot = Math.max(0, ip) + esp + perPacket + perByte * bytes + deliver;
            if (in.has("rxNanos")) {
                // The receive alone measured in place too: the ring, the buffer and the frame's first line,
                // which the receiving context pays. The rest of what the path costs in place beyond the hot
                // stages is the packet's other cache lines, written on the device CPU: the host reads them
                // first when it delivers a packet a card decrypted (in software the cipher reads them
                // first, in the same context as the delivery), so they go with the delivery.
                double rxIn = num(in, "rxNanos", file + ": inPlace");
                double charged = hot - deliver + Math.max(0, deliver); // the hot stages as the profile charges them
                cold = Math.max(0, path - rxIn - charged);
                if (path - rxIn < charged) {
                    // The path in place costs less than the hot stages add up to: their figures (timed each on
                    // its own, in older calibrations differences of medians, a negative one charged as 0) and
                    // the cipher's line fitted over sizes each have their noise. The path measured whole is the sum they must make; the hot
                    // stages' per-packet figures are scaled to it (the cipher's slope is kept: one size was
                    // measured in place).
                    double perPacketHot = Math.max(0, ip) + esp + perPacket + Math.max(0, deliver);
                    fit = Math.max(0, path - rxIn - perByte * bytes) / perPacketHot;
                    fitSource = " x " + r3(fit) + ": the hot stages' per-packet figures (ip, esp, the cipher's fixed part, "
                            + "deliver: " + r(perPacketHot) + " ns) scaled to the path in place, inPlace.pathNanos " + r(path)
                            + " - inPlace.rxNanos " + r(rxIn) + " - the cipher's per-byte part " + r(perByte * bytes);
                }
                coldSource = cal + ": inPlace.pathNanos " + r(path) + " - inPlace.rxNanos " + r(rxIn) + " - the hot stages "
                        + r(hot) + " (the packet's cache lines beyond the first, written on the device CPU; the host "
                        + "reads them first at the delivery after a card, at the cipher in software, in the same context)";
                c.put(CostParam.STAGE_RX, new Cost(Math.max(rx, rxIn), Unit.NS, Kind.MEASURED,
                        cal + ": inPlace.rxNanos (one host thread taking frames the wire wrote on the device CPU off the "
                                + "real ring, each through the link stage only, then releasing it)", Double.NaN, Double.NaN));
            } else {
                c.put(CostParam.STAGE_RX, new Cost(Math.max(rx, path - hot), Unit.NS, Kind.DERIVED,
                        cal + ": inPlace.pathNanos " + r(path) + " (one host thread taking frames the wire wrote on the "
                                + "device CPU off the real ring, every stage to the socket) - the hot stages after the "
                                + "receive (ip " + r(Math.max(0, ip)) + ", esp " + r(esp) + ", cipher "
                                + r(perPacket + perByte * bytes) + ", deliver " + r(deliver) + ")", Double.NaN, Double.NaN));
            }
        } else {
            // No in-place figure (one CPU, or an older calibration): the frame's cache lines plus two of
            // descriptor and buffer header, each a cross-CPU line handoff as measured.
            double spin = num(need(prim, "spinHandoffCrossCpu", file), "handoffNanos", file + ": primitives.spinHandoffCrossCpu");
            int lines = (int) Math.ceil(frameBytes(payload) / 64.0) + 2;
            c.put(CostParam.STAGE_RX, new Cost(rx + lines * spin, Unit.NS, Kind.ESTIMATED,
                    cal + ": max(stages.linkInputNanos " + r(link) + ", 0) + " + lines + " cache lines (a " + (int) frameBytes(payload)
                            + "-byte frame of a " + (int) payload + "-byte payload, plus descriptor and buffer header) x "
                            + "spinHandoffCrossCpu " + r(spin) + " ns, the frame being written on the device CPU; line count estimated",
                    rx + 2 * spin, rx + (lines + 4) * spin));
        }
        double cipherFixed = perPacket * fit; // the cipher's fixed part as the profile charges it
        if (in != null && in.has("offloadHostNanosPerRequest")) {
            double host = num(in, "offloadHostNanosPerRequest", file + ": inPlace");
            double engine = num(in, "offloadEngineNanosPerRequest", file + ": inPlace");
            double bytes = in.path("payloadBytes").asDouble(payload);
            double cipher = cipherFixed + perByte * bytes;
            c.put(CostParam.CARD_HOST_PER_REQUEST, new Cost(host, Unit.NS, Kind.MEASURED,
                    cal + ": inPlace.offloadHostNanosPerRequest (a host thread's CPU per request submitted to and "
                            + "drained from the real offload driver, its engine on the device CPU)", Double.NaN, Double.NaN));
            if (in.has("offloadBesideWireEngineNanosPerRequest")) {
                // The card in place: fed with the wire's frames through the receive path, beside the wire
                // running flat out on its CPU. Its CPU per request there is what a run's engine spends; how
                // much of that CPU it gets beside the wire is the simulated device CPU's to decide.
                double besideEngine = num(in, "offloadBesideWireEngineNanosPerRequest", file + ": inPlace");
                c.put(CostParam.ENGINE_PER_REQUEST, new Cost(Math.max(0, besideEngine - cipher), Unit.NS, Kind.DERIVED,
                        cal + ": inPlace.offloadBesideWireEngineNanosPerRequest " + r(besideEngine) + " (the engine "
                                + "thread's CPU per request, the card fed with the wire's frames through the receive "
                                + "path) - the cipher " + r(cipher) + " ns; alone, on prepared requests: "
                                + r(engine) + " ns", Double.NaN, Double.NaN));
            } else {
                c.put(CostParam.ENGINE_PER_REQUEST, new Cost(Math.max(0, engine - cipher), Unit.NS, Kind.DERIVED,
                        cal + ": inPlace.offloadEngineNanosPerRequest " + r(engine) + " (the engine thread's CPU per "
                                + "request, kept busy) - the cipher " + r(cipher) + " ns", Double.NaN, Double.NaN));
            }
        } else {
            c.put(CostParam.CARD_HOST_PER_REQUEST, new Cost(0, Unit.NS, Kind.ESTIMATED,
                    cal + " has no in-place offload figure (one CPU, or an older calibration): taken as 0", 0, 2000));
            c.put(CostParam.ENGINE_PER_REQUEST, new Cost(0, Unit.NS, Kind.ESTIMATED,
                    cal + " has no in-place offload figure (one CPU, or an older calibration): the engine costs its cipher only",
                    0, 2000));
        }
        boolean sendsTimed = busy != null && busy.has("wakerNanos");
        c.put(CostParam.ENGINE_IDLE_SPIN, idleSpin(in, sendsTimed, c, cipherFixed + perByte * (in == null ? payload
                : in.path("payloadBytes").asDouble(payload)), cal, file));
        c.put(CostParam.STAGE_IP, fittedStage(ip, timed, fit, cal + ": stages.ipInputNanos", fitSource));
        c.put(CostParam.STAGE_ESP, fittedStage(esp, false, fit, cal + ": stages.espInputExcludingCryptoNanos", fitSource));
        c.put(CostParam.CRYPTO_FIXED, new Cost(cipherFixed, Unit.NS, Kind.DERIVED,
                cal + ": crypto.perPacketNanos, " + suite + ", line fitted over 64, 512, 1400 bytes"
                        + (fit < 1 ? " " + r(perPacket) + fitSource : ""), Double.NaN, Double.NaN));
        c.put(CostParam.CRYPTO_PER_BYTE, new Cost(Math.max(0, perByte), Unit.NS_PER_BYTE, Kind.DERIVED,
                cal + ": crypto.perByteNanos (slope of the same fit)", Double.NaN, Double.NaN));
        if (cold > 0) {
            c.put(CostParam.STAGE_DELIVER, new Cost(Math.max(0, deliver) + cold, Unit.NS, Kind.DERIVED,
                    cal + ": max(stages.innerIpUdpSocketNanos " + r(deliver) + ", 0) + " + coldSource, Double.NaN,
                    Double.NaN));
        } else {
            c.put(CostParam.STAGE_DELIVER, fittedStage(deliver, timed, fit, cal + ": stages.innerIpUdpSocketNanos",
                    fitSource));
        }
        c.put(CostParam.CARD_REFUSAL, cardRefusal(in, c, cal));
        c.put(CostParam.WIRE_FRAME, wireFrame(in, cal));
        c.put(CostParam.WIRE_REFUSAL, wireRefusal(in, cal));
        cardHostInPlace(in, c, cal);
        c.put(CostParam.USER_COPY_PER_BYTE, new Cost(Math.max(0, user) / payload, Unit.NS_PER_BYTE, Kind.DERIVED,
                cal + ": stages.userNanos " + r(user) + " / payloadBytes " + (int) payload, Double.NaN, Double.NaN));
        double sum = Math.max(0, link) + Math.max(0, ip) + esp + deliver + perPacket + perByte * payload + user;
        String notes = "Built by the simulator from calibrate's measurements on this machine (" + f + "). Stages sum to "
                + r(sum) + " ns against a measured whole path of " + r(whole) + " ns. Weakest: the split of the "
                + "same-CPU handoff into wakeup, sleep, switch and refill"
                + (c.get(CostParam.HARD_INTERRUPT).kind() == Kind.ESTIMATED ? ", and the hard interrupt (not measured)."
                : " (the hard interrupt is what is left of a measured wakeup of a busy CPU after two such switches).");
        return new Profile("this-machine", "This machine: " + machine, cpus, notes, "calibration " + file, c);
    }

    /**
     * {@code card_host_per_request} in place: the host's CPU per packet through the card beside the wire
     * ({@code inPlace.offloadBesideWireHostNanosPerRequest}) less the stages the simulation charges that
     * packet (receive, IP, ESP, the delivery), when that is more than the driver costs alone on prepared
     * requests. In place the request's lines cross between the CPUs as the packet's do, and the
     * completion comes back cold: up to 300 ns more per request in the calibrations here, and the runs'
     * crypto threads spend about that much more per completion than the alone figure allows. Less than
     * the alone figure (when the path trials met a slower machine than the card trial), the alone figure
     * stands. Kept as it was without the in-place figure.
     */
    private static void cardHostInPlace(JsonNode in, Map<CostParam, Cost> c, String cal) {
        Cost alone = c.get(CostParam.CARD_HOST_PER_REQUEST);
        if (in == null || !in.has("offloadBesideWireHostNanosPerRequest") || alone.kind() != Kind.MEASURED) {
            return;
        }
        double stages = sum(c, CostParam.STAGE_RX, CostParam.STAGE_IP, CostParam.STAGE_ESP, CostParam.STAGE_DELIVER);
        double beside = in.path("offloadBesideWireHostNanosPerRequest").asDouble();
        if (beside - stages > alone.value()) {
            c.put(CostParam.CARD_HOST_PER_REQUEST, new Cost(beside - stages, Unit.NS, Kind.DERIVED, cal
                    + ": inPlace.offloadBesideWireHostNanosPerRequest " + r(beside) + " (the host's CPU per packet "
                    + "through the card beside the flat-out wire) - the stages it went through (receive, IP, ESP, "
                    + "delivery: " + r(stages) + " ns); alone, on prepared requests: " + r(alone.value()) + " ns",
                    Double.NaN, Double.NaN));
        }
    }

    /**
     * {@code card_refusal}: what a refused frame cost the host in the refusing card trial
     * ({@code inPlace.offloadRefusalHostNanos}) less the stages the simulation already charges it
     * (receive, IP, ESP without the cipher). Without the figure (older calibrations), an estimate of 0:
     * such a frame costs its stages only.
     */
    private static Cost cardRefusal(JsonNode in, Map<CostParam, Cost> c, String cal) {
        double stages = sum(c, CostParam.STAGE_RX, CostParam.STAGE_IP, CostParam.STAGE_ESP);
        if (in == null || !in.has("offloadRefusalHostNanos")) {
            return new Cost(0, Unit.NS, Kind.ESTIMATED, cal + " has no refusing trial's host figure (an older "
                    + "calibration): a refused frame costs its stages only", 0, 1500);
        }
        double refusal = in.path("offloadRefusalHostNanos").asDouble();
        return new Cost(Math.max(0, refusal - stages), Unit.NS, Kind.DERIVED, cal + ": inPlace.offloadRefusalHostNanos "
                + r(refusal) + " (the host's CPU per frame the full ring refused, the host offering every frame of the "
                + "flat-out wire: its CPU per packet delivered there less below the limit, over the refusals per packet "
                + "delivered) - the stages before the submit (receive, IP, ESP: " + r(stages) + " ns)", Double.NaN, Double.NaN);
    }

    /** @return the sum of the {@code params}' values in {@code c} */
    private static double sum(Map<CostParam, Cost> c, CostParam... params) {
        double s = 0;
        for (CostParam p : params) {
            s += c.get(p).value();
        }
        return s;
    }

    /**
     * {@code wire_frame}: the synthetic wire's CPU per frame it placed ({@code inPlace.wireFrameNanos},
     * fitted over the path and receive trials). Without the figure (older calibrations), 0: a run at the
     * maximum rate is offered four times what one CPU could take, as from a real wire.
     */
    private static Cost wireFrame(JsonNode in, String cal) {
        double refusal = in == null ? Double.NaN : in.path("wireRefusalNanos").asDouble();
        return wireFigure(in, "wireFrameNanos", cal + " has no wire figure (an older calibration): a run at "
                + "the maximum rate is offered four times what one CPU could take", cal + ": inPlace.wireFrameNanos "
                + "(the synthetic wire's thread CPU per frame placed on the ring, fitted with its CPU per frame "
                + "refused, " + r(refusal) + " ns, over the path and receive trials)");
    }

    /**
     * {@code wire_refusal}: the synthetic wire's CPU per frame it found the ring full for
     * ({@code inPlace.wireRefusalNanos}, fitted with {@code wire_frame}). Without the figure, 0: a
     * refusal takes as long as a frame placed.
     */
    private static Cost wireRefusal(JsonNode in, String cal) {
        return wireFigure(in, "wireRefusalNanos", cal + " has no wire refusal figure: a frame the full ring "
                + "refuses takes the wire as long as one placed", cal + ": inPlace.wireRefusalNanos (the synthetic "
                + "wire's thread CPU per frame it found the ring full for, fitted with its CPU per frame placed over "
                + "the path and receive trials)");
    }

    /** @return {@code in}'s figure {@code key} (ns), derived, with {@code source}; without it, 0 as {@code absent} says */
    private static Cost wireFigure(JsonNode in, String key, String absent, String source) {
        double v = in == null ? Double.NaN : in.path(key).asDouble();
        if (!(v > 0)) {
            return new Cost(0, Unit.NS, Kind.CONFIGURED, absent, Double.NaN, Double.NaN);
        }
        return new Cost(v, Unit.NS, Kind.DERIVED, source, Double.NaN, Double.NaN);
    }

    /** @return the ESP-in-IPv4 frame carrying {@code payload} bytes of UDP payload, AES-GCM (8-byte IV, 16-byte ICV) */
    static double frameBytes(double payload) {
        double inner = 20 + 8 + payload;
        double padded = Math.ceil((inner + 2) / 4.0) * 4;
        return 14 + 20 + 8 + 8 + padded + 16;
    }

    /**
     * @param timed the figure was timed on its own (a calibration that times each stage), not a
     *              difference: kept as measured however small
     */
    private static Cost stage(double diff, boolean timed, String source) {
        if (timed) {
            return new Cost(Math.max(0, diff), Unit.NS, Kind.MEASURED, source, Double.NaN, Double.NaN);
        }
        if (diff < NOISE_NS) {
            return new Cost(Math.max(0, diff), Unit.NS, Kind.ESTIMATED, source + " = " + r(diff)
                    + " ns, below the noise of a difference of medians: taken as max(difference, 0)", 0, NOISE_NS);
        }
        return new Cost(diff, Unit.NS, Kind.MEASURED, source, Double.NaN, Double.NaN);
    }

    private static double clockMhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: the clock converts nothing in this profile
        }
        return 2000;
    }

    private static JsonNode need(JsonNode n, String field, String file) throws ProfileException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ProfileException(file + ": " + field + ": missing (not a calibrate document?)");
        }
        return v;
    }

    private static double num(JsonNode n, String field, String at) throws ProfileException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new ProfileException(at + "." + field + ": missing or not a number (not a calibrate document?)");
        }
        return v.asDouble();
    }

    /**
     * What else the emulated engine holds its CPU for per wakeup, from the isolated-request trial: what
     * the engine spends per request when it wakes for each one alone, less what the simulation holds its
     * CPU for otherwise (its work, or the request's latency from the submission, which its wakeup takes
     * {@code cross_cpu_wakeup} of; then the coalescing delay for a single completion). That is its idle
     * polls before it parks and what waking it costs it there; a calibration that times the polls
     * ({@code offloadIdlePollNanos}) says how much of it they are. The simulation holds the engine's CPU
     * this long after its last completion, so that an isolated request costs it what it cost the
     * runtime's engine. Without the trial, the polls timed, or else an estimate.
     *
     * <p>With the polls timed and {@code sendsTimed} (the calibration timed what a wakeup sent to the
     * other CPU costs its sender, {@code cross_cpu_waker}), the polls are the figure. The isolated
     * trial wakes the engine on an idle device CPU; a run's engine wakes on a CPU the wire keeps busy,
     * and what it spends there per request is the card trials' figure plus the wakeups it sends: over
     * seven validations' ithread and kcont runs near saturation and in overload, within 10 % of the
     * runs' engine CPU in 26 of 28 (17 and 18 % in the others), with nothing left for the isolated
     * trial's remainder per wakeup.
     */
    private static Cost idleSpin(JsonNode in, boolean sendsTimed, Map<CostParam, Cost> c, double cipher, String cal,
                                 String file) throws ProfileException {
        boolean polls = in != null && in.has("offloadIdlePollNanos");
        double pollNanos = polls ? num(in, "offloadIdlePollNanos", file + ": inPlace") : Double.NaN;
        if (in == null || !in.has("offloadIsolatedEngineNanosPerRequest") || (polls && sendsTimed)) {
            if (polls) {
                return new Cost(pollNanos, Unit.NS, Kind.MEASURED, cal
                        + ": inPlace.offloadIdlePollNanos (an idle engine's polls of its empty ring before it parks, "
                        + "timed on the device CPU; " + (sendsTimed ? "the isolated-request trial's remainder is what "
                        + "waking the engine on an idle device CPU costs it, which a run's engine, woken beside the "
                        + "busy wire, does not spend: its CPU per request there is the card's figure plus the "
                        + "wakeups it sends, cross_cpu_waker)" : "no isolated-request trial)"), Double.NaN, Double.NaN);
            }
            return new Cost(5000, Unit.NS, Kind.ESTIMATED, cal + " has no isolated-request trial: the driver's 64 idle "
                    + "polls, estimated", 2000, 25000);
        }
        double isolated = num(in, "offloadIsolatedEngineNanosPerRequest", file + ": inPlace");
        double latency = in.path("offloadLatencyNanos").asDouble(5000);
        double coalesce = in.path("offloadCoalesceNanos").asDouble(10000);
        double work = c.get(CostParam.ENGINE_PER_REQUEST).value() + cipher;
        double wake = c.get(CostParam.CROSS_CPU_WAKEUP).value();
        double held = Math.max(work, latency - wake) + coalesce;
        return new Cost(Math.max(0, isolated - held), Unit.NS, Kind.DERIVED, cal
                + ": inPlace.offloadIsolatedEngineNanosPerRequest " + r(isolated) + " (the engine's CPU per request, "
                + "woken for each one alone) - max(its work " + r(work) + ", the latency " + r(latency)
                + " less cross_cpu_wakeup " + r(wake) + ") - the coalescing delay " + r(coalesce)
                + (polls ? "; of it, the engine's idle polls take " + r(pollNanos)
                + " ns (inPlace.offloadIdlePollNanos), the rest is what waking it costs it there" : ""),
                Double.NaN, Double.NaN);
    }

    /**
     * @return the sender's own time per cross-CPU wakeup: calibrate's ring from the device CPU that
     *         unparked a sleeper on the host, timed with the host busy ({@code wakerNanos}; the source
     *         gives {@code idleWakerNanos} beside it); 0, estimated, for a calibration that did not time it
     */
    private static Cost crossCpuWaker(JsonNode busy, String cal, String file) throws ProfileException {
        if (busy == null || !busy.has("wakerNanos")) {
            return new Cost(0, Unit.NS, Kind.ESTIMATED, cal + " did not time the ring that wakes a sleeper on the "
                    + "other CPU (wakeupOfBusyCpu.wakerNanos): taken as 0, a device thread pays nothing for the "
                    + "wakeups it sends", 0, 20000);
        }
        double waker = num(busy, "wakerNanos", file + ": primitives.wakeupOfBusyCpu");
        double idle = busy.path("idleWakerNanos").asDouble(waker);
        return new Cost(waker, Unit.NS, Kind.MEASURED, cal + ": wakeupOfBusyCpu.wakerNanos (the ring on the device "
                + "CPU that unparked a sleeper on the busy host CPU, timed in the ringer; " + r(idle)
                + " ns with the host idle, idleWakerNanos)", Double.NaN, Double.NaN);
    }

    /**
     * @return a stage figure as {@link #stage} makes it from {@code diff} (a difference, or with
     *         {@code timed} a stage timed on its own), or, scaled to the path in place ({@code fit < 1}),
     *         from {@code max(diff, 0) x fit}, a measured figure then marked derived and its source
     *         saying how it was scaled
     */
    private static Cost fittedStage(double diff, boolean timed, double fit, String source, String fitSource) {
        if (fit >= 1) {
            return stage(diff, timed, source);
        }
        Cost c = stage(Math.max(0, diff) * fit, timed, source + " " + r(diff) + fitSource);
        return c.kind() == Kind.MEASURED ? new Cost(c.value(), c.unit(), Kind.DERIVED, c.source(), c.low(), c.high()) : c;
    }

    private static String r3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String r(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
