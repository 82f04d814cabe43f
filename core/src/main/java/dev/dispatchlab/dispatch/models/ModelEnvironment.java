package dev.dispatchlab.dispatch.models;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.device.Nic;
import dev.dispatchlab.device.SocketIngress;
import dev.dispatchlab.dispatch.IdleStrategy;
import dev.dispatchlab.metrics.Clock;
import dev.dispatchlab.metrics.ThreadRegistry;

import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Everything a dispatch model is built from: the device it serves, the crypto driver, and how to
 * make host threads. Models create their threads only through {@link #hostThreads}, which pins a
 * thread to its host CPU and registers it as a host thread for the OS switch counts.
 *
 * @param nic            the NIC whose rings the model serves (ring {@code r} belongs to host CPU {@code r % hostCpus});
 *                       null when the source is real sockets
 * @param sockets        the socket source's sockets (one per ring), or empty for the NIC
 * @param driver         the crypto driver every SA's session uses
 * @param clock          the run's clock
 * @param idle           how waiting host contexts wait (reported with the run)
 * @param hostCpus       logical host CPUs: per-CPU contexts (softnet/N, kcont/N) are made for each
 * @param hostThreads    thread factory for host CPU {@code i} (pins and registers)
 * @param registry       the run's thread registry (virtual-thread carriers are classified through it)
 * @param budget         packets or completions a context takes per pass before it lets others run
 * @param queueCapacity  capacity of every queue between contexts (ipintrq, continuation queues,
 *                       completion queues); sized to the buffers that can be in flight
 * @param virtualWorkers virtual workers per ring (vthread model)
 * @param pinToHostCpu   pins the calling thread to host CPU {@code i} (virtual threads pin their carrier
 *                       this way, since the JDK creates carriers); a no-op without a placement
 */
public record ModelEnvironment(Nic nic, List<SocketIngress> sockets, CryptoDriver driver, Clock clock, IdleStrategy idle, int hostCpus,
                               IntFunction<ThreadFactory> hostThreads, ThreadRegistry registry, int budget,
                               int queueCapacity, int virtualWorkers, IntConsumer pinToHostCpu) {

    public ModelEnvironment {
        sockets = sockets == null ? List.of() : List.copyOf(sockets);
        if ((nic == null) == sockets.isEmpty()) {
            throw new IllegalArgumentException("a model serves either a NIC or sockets, not both and not neither");
        }
        if (hostCpus < 1 || budget < 1 || queueCapacity < 2 || virtualWorkers < 1) {
            throw new IllegalArgumentException("bad model environment: hostCpus=" + hostCpus + ", budget=" + budget
                    + ", queueCapacity=" + queueCapacity + ", virtualWorkers=" + virtualWorkers);
        }
    }

    /** @return true when the source is real sockets rather than the NIC */
    public boolean socketSource() {
        return !sockets.isEmpty();
    }

    /** @return receive rings: the NIC's, or one per socket */
    public int rings() {
        return socketSource() ? sockets.size() : nic.rings();
    }

    /** @return the host CPU (logical index) that serves ring {@code r} */
    public int cpuOfRing(int r) {
        return r % hostCpus;
    }
}
