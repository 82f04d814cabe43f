package dev.dispatchlab.run;

import dev.dispatchlab.os.Cpus;
import dev.dispatchlab.os.CpuSet;

/**
 * Which CPUs host threads and device threads run on. The default on a machine with two or more CPUs
 * puts the devices (the wire, crypto engines) on CPU 0 and the host on the last CPU: a
 * uniprocessor host like the machines of the 2007 thread, with its devices beside it. On one CPU
 * everything shares it (and the run says so). Host per-CPU contexts (softnet/N, kcont/N) are made
 * for each host CPU.
 *
 * @param host   CPUs for host threads (null: not pinned)
 * @param device CPUs for device threads (null: not pinned)
 */
public record Placement(CpuSet host, CpuSet device) {

    /** @return the default placement for this machine */
    public static Placement defaults() {
        int n = Cpus.online();
        if (n >= 2) {
            return new Placement(CpuSet.of(n - 1), CpuSet.of(0));
        }
        return new Placement(null, null);
    }

    /** @return the number of host CPUs (1 when not pinned) */
    public int hostCpus() {
        return host == null ? 1 : host.size();
    }

    /** @return host CPU {@code i} as a one-CPU set (i taken modulo the host set), or null when not pinned */
    public CpuSet hostCpu(int i) {
        if (host == null) {
            return null;
        }
        int[] c = host.cpus();
        return CpuSet.of(c[Math.floorMod(i, c.length)]);
    }

    /** @return true when host and device CPUs overlap (or nothing is pinned): figures then include competition */
    public boolean shared() {
        if (host == null || device == null) {
            return true;
        }
        for (int c : host.cpus()) {
            if (device.contains(c)) {
                return true;
            }
        }
        return false;
    }

    public String describe() {
        return "host CPUs " + (host == null ? "any" : host) + ", device CPUs " + (device == null ? "any" : device)
                + (shared() ? " (shared)" : "");
    }
}
