package dev.dispatchlab.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and JDK a result was measured on, so that every figure can be repeated (DESIGN.md:
 * "Each run states its machine, JDK, ..."). Read once per process.
 *
 * @param host         host name
 * @param os           operating system name and version (kernel release on Linux)
 * @param arch         architecture
 * @param cpuModel     CPU model name from /proc/cpuinfo, or "unknown"
 * @param cpus         CPUs available to this process
 * @param memoryBytes  physical memory, or -1
 * @param jdk          java.version
 * @param vm           VM name and version
 * @param vendor       java.vendor
 * @param gc           garbage collectors in use
 * @param maxHeapBytes maximum heap
 * @param jvmArgs      JVM input arguments
 */
public record Environment(String host, String os, String arch, String cpuModel, int cpus, long memoryBytes,
                          String jdk, String vm, String vendor, List<String> gc, long maxHeapBytes,
                          List<String> jvmArgs) {

    /** The host name of a simulated result's environment. */
    public static final String SIMULATED = "simulated";

    /** @return the environment of this process */
    public static Environment current() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        long mem = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize();
        }
        List<String> gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList();
        return new Environment(host, System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), readCpuModel(), Runtime.getRuntime().availableProcessors(), mem,
                System.getProperty("java.version"), System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version"), System.getProperty("java.vendor"), gcs,
                Runtime.getRuntime().maxMemory(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    int c = line.indexOf(':');
                    return c < 0 ? line : line.substring(c + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: say so below
        }
        return "unknown";
    }

    /** @return one line for the head of a table */
    public String oneLine() {
        if (SIMULATED.equals(host)) {
            // the simulator's machine: its CPU and profile; the JVM that ran the simulation is not its
            return host + ": " + cpus + " CPU " + cpuModel + ", " + os;
        }
        return host + ": " + cpus + " CPU " + cpuModel + ", " + os + " " + arch + ", JDK " + jdk + " (" + vendor + "), GC "
                + String.join("+", gc);
    }
}
