package dev.dispatchlab.cli;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.device.SocketConfig;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.dispatch.models.DispatchModels;
import dev.dispatchlab.esp.SaConfig;
import dev.dispatchlab.esp.SaConfigReader;
import dev.dispatchlab.gateway.Gateway;
import dev.dispatchlab.gateway.PortMap;
import dev.dispatchlab.metrics.Accounting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gateway}: receive ESP-in-UDP, decrypt, deliver each inner UDP payload to a local port (or
 * write the inner packets to a pcap), under any dispatch model, until Ctrl-C or {@code --duration};
 * a status line every {@code --status}, the counters and the accounting at the end.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Receives ESP-in-UDP on a socket, decrypts it and sends each inner UDP payload to a local "
                + "address (or writes the decrypted packets to a pcap), under any dispatch model, until Ctrl-C.",
                "Example (two terminals):",
                "  dispatchlab blast --to 127.0.0.1:4500 --rate 20000 --duration 30s --write-sa /tmp/sa.conf",
                "  dispatchlab gateway --listen 127.0.0.1:4500 --sa /tmp/sa.conf --map 5001=127.0.0.1:5001"})
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--listen", defaultValue = "127.0.0.1:4500", paramLabel = "HOST:PORT",
            description = "where to receive ESP-in-UDP (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--sa", required = true, paramLabel = "FILE",
            description = "SA file: Wireshark esp_sa or ip xfrm lines (repeatable)")
    List<Path> saFiles;

    @Option(names = "--map", paramLabel = "PORT=HOST:PORT",
            description = "send payloads for inner destination PORT to HOST:PORT (repeatable)")
    List<String> map = new ArrayList<>();

    @Option(names = "--pcap", paramLabel = "FILE", description = "write the decrypted inner packets here instead of forwarding")
    Path pcap;

    @Option(names = {"-m", "--model"}, defaultValue = "puller", description = "dispatch model (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--crypto", defaultValue = "model", description = "model, software, offload or auto (default: ${DEFAULT-VALUE})")
    String crypto;

    @Option(names = "--rings", defaultValue = "1", description = "sockets with SO_REUSEPORT, one per ring (default: ${DEFAULT-VALUE})")
    int rings;

    @Option(names = "--socket-buffer", defaultValue = "4194304", paramLabel = "BYTES", description = "receive buffer per socket (default: ${DEFAULT-VALUE})")
    int receiveBuffer;

    @Option(names = "--duration", paramLabel = "TIME", description = "stop after this long (default: run until Ctrl-C)")
    String duration;

    @Option(names = "--status", defaultValue = "1s", paramLabel = "TIME", description = "status line interval, 0 for none (default: ${DEFAULT-VALUE})")
    String status;

    @Override
    public Integer call() throws Exception {
        DispatchModels m = DispatchModels.byLabel(model);
        if (m == null) {
            throw new UsageException("--model: unknown model '" + model + "' (one of " + DispatchModels.labels() + ")");
        }
        CryptoDrivers driver = null;
        if (!crypto.equalsIgnoreCase("model")) {
            driver = CryptoDrivers.byLabel(crypto);
            if (driver == null) {
                throw new UsageException("--crypto: unknown driver '" + crypto + "'");
            }
        }
        Outputs.check("--pcap", pcap, saFiles);
        if (pcap == null && map.isEmpty()) {
            throw new UsageException("give --map PORT=HOST:PORT (where payloads go) or --pcap FILE");
        }
        PortMap ports;
        try {
            ports = pcap == null ? PortMap.parse(map) : null;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        InetSocketAddress local;
        try {
            local = SocketConfig.parseAddress(listen, "--listen");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (rings < 1 || rings > 64) {
            throw new UsageException("--rings: 1..64, got " + rings);
        }
        List<SaConfig> sas = new ArrayList<>();
        for (Path f : saFiles) {
            sas.addAll(SaConfigReader.read(f));
        }
        if (sas.isEmpty()) {
            throw new UsageException("--sa: no SAs in " + saFiles);
        }
        SaConfigReader.requireDistinct(sas);
        Duration every = Durations.parse("--status", status);
        Duration total = duration == null ? null : Durations.parse("--duration", duration);
        Models.prepareVirtualThreads(new dev.dispatchlab.run.Placement(null, null));
        Gateway.Settings settings = new Gateway.Settings(local, sas, ports, pcap, m, driver, IdleStrategies.PARK, rings,
                64, 4096, receiveBuffer);
        Thread main = Thread.currentThread();
        try (StopOnSignal ctrlC = StopOnSignal.install("gateway", main::interrupt);
             Gateway gw = new Gateway(settings)) {
            gw.start();
            System.out.println("gateway: " + m.label() + " model, listening on " + gw.localAddress() + ", " + sas.size()
                    + " SAs, " + (pcap != null ? "writing " + pcap : "forwarding " + ports) + " (Ctrl-C stops)");
            long end = total == null ? Long.MAX_VALUE : System.nanoTime() + total.toNanos();
            long step = every.isZero() ? Long.MAX_VALUE : every.toNanos();
            try {
                while (System.nanoTime() < end && gw.failure() == null) {
                    long sleep = Math.min(step, end - System.nanoTime());
                    Thread.sleep(Math.max(1, sleep / 1_000_000));
                    if (!every.isZero()) {
                        System.out.println(gw.status());
                    }
                }
            } catch (InterruptedException e) {
                Thread.interrupted(); // Ctrl-C: stop cleanly below
            }
            Accounting acc = gw.stop();
            System.out.println(gw.status());
            System.out.println("gateway: drops by reason " + acc.drops());
            System.out.println("gateway: accounting " + acc);
            if (gw.failure() != null) {
                throw new RunFailedException("a gateway thread failed: " + gw.failure());
            }
            if (!acc.balanced()) {
                throw new RunFailedException("the accounting did not balance: " + acc);
            }
            System.out.flush();
            ctrlC.exitStatus(0); // Ctrl-C is how a gateway ends: a clean stop exits 0
            return 0;
        }
    }
}
