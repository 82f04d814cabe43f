package dev.dispatchlab.run;

import dev.dispatchlab.blast.BlastConfig;
import dev.dispatchlab.blast.BlastReport;
import dev.dispatchlab.blast.Blaster;
import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaDatabase;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.packet.PacketPool;
import dev.dispatchlab.packet.StageContext;
import dev.dispatchlab.stack.PayloadCheck;
import dev.dispatchlab.workload.Workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * Real sockets: the traffic generator ({@link Blaster}, a device thread on the device CPU) sends
 * ESP-in-UDP over loopback to the run's sockets ({@link SocketIngress}, one per ring, SO_REUSEPORT),
 * which the model's host threads receive from with {@code recvmmsg}. The generator encrypts every
 * datagram as it sends it, so sequence numbers only grow and the receiver's windows need no re-arming.
 * The kernel's loopback receive work runs mostly on the sender's CPU; the host pays the system
 * call and the copy out of the socket.
 */
final class SocketFeed implements Feed {

    private final Blaster blaster;
    private final List<SocketIngress> sockets;
    private final SaDatabase sas = new SaDatabase();
    private final ThreadFactory deviceThreads;

    SocketFeed(RunSpec spec, Workload workload, CryptoDriver driver, PacketPool pool, Clock clock,
               ThreadFactory deviceThreads) {
        this.deviceThreads = deviceThreads;
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        this.sockets = SocketIngress.open(SocketConfig.defaults().withLocal(local).withSockets(spec.rings()), pool);
        long total = spec.warmup().plus(spec.measure()).toNanos() + Duration.ofSeconds(3600).toNanos();
        double rate = spec.saturating() ? 0 : spec.ratePps();
        int socketsOut = Math.min(workload.sas(), Math.max(1, spec.rings()));
        this.blaster = new Blaster(new BlastConfig(local, workload, rate, total, -1, BlastConfig.DEFAULT_BATCH,
                socketsOut, 1), clock);
        for (SaConfig c : blaster.saConfigs(spec.replayWindow())) {
            sas.add(c.open(driver));
        }
    }

    private static int freePort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on loopback", e);
        }
    }

    @Override
    public SaDatabase sas() {
        return sas;
    }

    @Override
    public PayloadCheck check() {
        return blaster.trafficSet().payloadCheck();
    }

    @Override
    public Nic nic() {
        return null;
    }

    @Override
    public List<SocketIngress> sockets() {
        return sockets;
    }

    @Override
    public void start() {
        blaster.start(deviceThreads);
    }

    @Override
    public void stopGenerating() throws InterruptedException {
        blaster.stop();
        blaster.join(Duration.ofSeconds(10));
    }

    @Override
    public boolean arrived() {
        long received = 0;
        for (SocketIngress s : sockets) {
            received += s.datagrams() + s.kernelDrops();
        }
        return received >= blaster.sent() - blaster.refused();
    }

    @Override
    public List<StageContext> contexts() {
        return List.of();
    }

    @Override
    public void discard(StageContext ctx) {
        for (SocketIngress s : sockets) {
            s.discard(ctx, DropReason.SHUTDOWN);
            s.settleKernelDrops(ctx);
        }
    }

    @Override
    public Map<String, Object> report() {
        BlastReport r = blaster.report();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "socket: generator on loopback to " + sockets.getFirst().localAddress());
        m.put("offeredPps", r.targetPps());
        m.put("achievedPps", r.achievedPps());
        m.put("sent", r.sent());
        m.put("refused", r.refused());
        m.put("maxLagNanos", r.maxLagNanos());
        m.put("fellBehind", r.fellBehind());
        m.put("socketReceiveBufferBytes", sockets.getFirst().receiveBufferBytes());
        m.put("recvmmsgBatch", sockets.getFirst().batch());
        long calls = 0;
        long dgrams = 0;
        long kdrops = 0;
        for (SocketIngress s : sockets) {
            calls += s.calls();
            dgrams += s.datagrams();
            kdrops += s.kernelDrops();
        }
        m.put("receiveCalls", calls);
        m.put("datagramsReceived", dgrams);
        m.put("datagramsPerCall", calls == 0 ? 0 : (double) dgrams / calls);
        m.put("kernelDrops", kdrops);
        return m;
    }

    @Override
    public Map<String, Long> sentBad() {
        Map<String, Long> m = new LinkedHashMap<>();
        blaster.report().expected().forEach((k, v) -> m.put(k.label(), v));
        return m;
    }

    @Override
    public List<String> notes(boolean saturating) {
        List<String> notes = new ArrayList<>();
        BlastReport r = blaster.report();
        if (saturating) {
            notes.add(String.format("saturation: the generator sent as fast as it could encrypt (%.0f pps)",
                    r.achievedPps()));
        } else if (r.achievedPps() < 0.99 * r.targetPps()) {
            notes.add(String.format("the generator could not keep its rate: %.0f of %.0f pps (it encrypts every "
                    + "datagram; the device CPU is the limit)", r.achievedPps(), r.targetPps()));
        }
        return notes;
    }

    @Override
    public List<Thread> threads() {
        return List.of();
    }

    @Override
    public Throwable failure() {
        return blaster.failure();
    }

    @Override
    public void close() {
        blaster.close();
        for (SocketIngress s : sockets) {
            s.close();
        }
        sas.closeAll();
    }
}
