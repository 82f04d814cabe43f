import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the experiments here need of /proc about their own threads, found by name: pinning one to a
 * CPU (taskset), setting its nice value (renice) and reading its voluntary and involuntary context switches. Launched with them
 * (Java 22+ compiles the other files of the directory of a source-file program).
 */
final class ProcThreads {

    private ProcThreads() {
    }

    /** Pins the thread named {@code name} to {@code cpu}. */
    static void pin(String name, int cpu) throws Exception {
        Path t = find(name);
        new ProcessBuilder("taskset", "-p", "-c", String.valueOf(cpu), t.getFileName().toString()).start().waitFor();
    }

    /** Sets the nice value of the thread named {@code name} (renice). */
    static void renice(String name, int nice) throws Exception {
        Path t = find(name);
        new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", t.getFileName().toString()).start().waitFor();
    }

    /** @return the thread's voluntary and involuntary context switches so far */
    static long[] switches(String name) throws Exception {
        long v = 0;
        long iv = 0;
        for (String l : Files.readAllLines(find(name).resolve("status"))) {
            if (l.startsWith("voluntary_ctxt_switches")) {
                v = Long.parseLong(l.split("\\s+")[1]);
            } else if (l.startsWith("nonvoluntary_ctxt_switches")) {
                iv = Long.parseLong(l.split("\\s+")[1]);
            }
        }
        return new long[]{v, iv};
    }

    private static Path find(String name) throws Exception {
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                if (Files.readString(t.resolve("comm")).strip().equals(name)) {
                    return t;
                }
            }
        }
        throw new IllegalStateException("no thread named " + name);
    }
}
