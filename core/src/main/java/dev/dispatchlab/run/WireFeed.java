package dev.dispatchlab.run;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.device.SyntheticWire;
import dev.dispatchlab.device.WireConfig;
import dev.dispatchlab.device.WireReport;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PayloadCheck;
import dev.dispatchlab.workload.TrafficSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/** The synthetic wire placing pre-built ESP frames into the NIC's rings (see {@link Feed}). */
final class WireFeed implements Feed {

    private final TrafficSet traffic;
    private final TrafficSet.Receiver receiver;
    private final TrafficSet.Source source;
    private final Nic nic;
    private final SyntheticWire wire;

    WireFeed(RunSpec spec, TrafficSet traffic, CryptoDriver driver, PacketPool pool, Clock clock,
             ThreadFactory deviceThreads) {
        this.traffic = traffic;
        this.receiver = traffic.receiver(driver, spec.replayWindow());
        this.source = receiver.source();
        this.nic = new Nic("nic0", spec.rings(), spec.ringCapacity(), spec.coalescing());
        long total = spec.warmup().plus(spec.measure()).toNanos() + Duration.ofSeconds(3600).toNanos();
        WireConfig wc = new WireConfig(spec.ratePps(), spec.arrivals(), 0, total, WireConfig.DEFAULT_MAX_BURST,
                traffic.workload().seed(), WireConfig.DEFAULT_LAG_TOLERANCE_NANOS,
                WireConfig.DEFAULT_PARK_THRESHOLD_NANOS);
        this.wire = new SyntheticWire(nic, pool, source, wc, clock, deviceThreads);
    }

    @Override
    public SaDatabase sas() {
        return receiver.sas();
    }

    @Override
    public PayloadCheck check() {
        return traffic.payloadCheck();
    }

    @Override
    public Nic nic() {
        return nic;
    }

    @Override
    public List<SocketIngress> sockets() {
        return List.of();
    }

    @Override
    public void start() {
        wire.start();
    }

    @Override
    public void stopGenerating() throws InterruptedException {
        wire.stop();
        wire.join(Duration.ofSeconds(10));
    }

    @Override
    public boolean arrived() {
        return true; // the wire places packets in the rings itself
    }

    @Override
    public List<StageContext> contexts() {
        return List.of(wire.stage());
    }

    @Override
    public void discard(StageContext ctx) {
        nic.discard(ctx, DropReason.SHUTDOWN);
    }

    /** @return the wire's own report (what it offered, placed and found the ring full for); after it stopped */
    WireReport wireReport() {
        return wire.report();
    }

    @Override
    public Map<String, Object> report() {
        WireReport w = wire.report();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "synthetic wire");
        m.put("offeredPps", w.offeredPps());
        m.put("achievedPps", w.achievedPps());
        m.put("offered", w.offered());
        m.put("placed", w.placed());
        m.put("ringFull", w.ringFull());
        m.put("poolExhausted", w.poolExhausted());
        m.put("maxLagNanos", w.maxLagNanos());
        m.put("fellBehind", w.fellBehind());
        m.put("arrivals", w.arrivals().name().toLowerCase());
        m.put("seed", w.seed());
        m.put("prebuiltPackets", traffic.templateCount());
        m.put("windowsRearmed", source.rekeys());
        return m;
    }

    @Override
    public Map<String, Long> sentBad() {
        long[] e = source.expected();
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < e.length; i++) {
            if (e[i] != 0) {
                m.put(DropReason.of(i).label(), e[i]);
            }
        }
        return m;
    }

    @Override
    public List<String> notes(boolean saturating) {
        WireReport wr = wire.report();
        List<String> notes = new ArrayList<>();
        if (saturating) {
            notes.add(String.format("saturation: the wire placed packets as fast as it could (%.0f pps)", wr.achievedPps()));
        } else if (wr.achievedPps() < 0.99 * wr.offeredPps()) {
            notes.add(String.format("the wire could not keep up: achieved %.0f of %.0f pps (max lag %.1f ms); the "
                    + "device CPU is the limit, not the host", wr.achievedPps(), wr.offeredPps(), wr.maxLagNanos() / 1e6));
        } else if (wr.fellBehind()) {
            notes.add(String.format("the wire kept its rate but placed some bursts late (max lag %.1f ms: the device "
                    + "CPU was briefly busy, e.g. with JVM threads)", wr.maxLagNanos() / 1e6));
        }
        if (source.rekeys() > 0) {
            notes.add("anti-replay windows re-armed " + source.rekeys() + " times as the pre-built packets came round");
        }
        return notes;
    }

    @Override
    public List<Thread> threads() {
        return wire.threads();
    }

    @Override
    public Throwable failure() {
        return wire.failure();
    }

    /** Stops and joins the wire if it still runs, gives back its stage context's slot, closes the SAs. */
    @Override
    public void close() {
        wire.close();
        receiver.close();
    }
}
