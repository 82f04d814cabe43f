package dev.dispatchlab.os;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's scheduler trace through tracefs ({@code /sys/kernel/tracing}): the events
 * {@code sched:sched_switch} and {@code sched:sched_wakeup} on every CPU for a window, its text
 * copied to a file afterwards ({@code metrics.SchedTraceSummary} reads it). Needs tracefs mounted there
 * and writable, which on Linux means root.
 * <pre>
 *   open()   check the files, keep set_event, buffer_size_kb and tracing_on as they were
 *   start()  tracing_on 0, set_event sched_switch + sched_wakeup, buffer_size_kb, clear, tracing_on 1
 *   stop()   tracing_on 0: the buffer keeps what it caught, nothing more is added
 *   copyTo() the buffer's text to a file (after the measured interval: reading it costs CPU)
 *   close()  set_event, buffer_size_kb and tracing_on back as they were (what the buffer held before is gone)
 * </pre>
 * Tracing costs the traced threads a little on each event (a few hundred nanoseconds here), so a run
 * traced is a run disturbed: its figures are those of a traced run.
 *
 * <p>Threading: one thread at a time; the kernel's tracing state is the machine's, so one tracer at a time.
 */
public final class Tracefs implements AutoCloseable {

    /** Where tracefs is mounted on current kernels. */
    public static final Path ROOT = Path.of("/sys/kernel/tracing");
    /** Per-CPU buffer while tracing, KiB: 0.3 s of a busy CPU's switches and wakeups fit with room. */
    static final int BUFFER_KB = 65_536;
    static final String EVENTS = "sched:sched_switch sched:sched_wakeup";

    private final Path root;
    private final String oldEvents;
    private final String oldBuffer;
    private final String oldOn;
    private boolean started;

    private Tracefs(Path root) throws IOException {
        this.root = root;
        for (String f : new String[]{"tracing_on", "set_event", "buffer_size_kb", "trace"}) {
            Path p = root.resolve(f);
            if (!Files.isWritable(p)) {
                throw new IOException("needs tracefs at " + root + " with " + f + " writable (mounted, and root)");
            }
        }
        this.oldEvents = read("set_event");
        this.oldBuffer = read("buffer_size_kb").strip();
        this.oldOn = read("tracing_on").strip();
    }

    /** @throws IOException with what is missing when tracefs cannot be used here */
    public static Tracefs open() throws IOException {
        return open(ROOT);
    }

    /** As {@link #open()}, with tracefs at {@code root} (a test's directory of plain files). */
    static Tracefs open(Path root) throws IOException {
        return new Tracefs(root);
    }

    /** Clears the buffer and starts tracing the scheduler's switches and wakeups. */
    public void start() throws IOException {
        write("tracing_on", "0");
        write("set_event", EVENTS);
        write("buffer_size_kb", Integer.toString(BUFFER_KB));
        write("trace", ""); // opened with O_TRUNC: the buffer is cleared
        started = true;
        write("tracing_on", "1");
    }

    /** @return true once {@link #start} ran: there is a trace to copy */
    public boolean started() {
        return started;
    }

    /** Stops adding to the buffer. */
    public void stop() throws IOException {
        write("tracing_on", "0");
    }

    /** Writes the buffer's text to {@code file}. */
    public void copyTo(Path file) throws IOException {
        if (!started) {
            throw new IllegalStateException("nothing traced");
        }
        // Plain reads: tracefs files report size 0, and a kernel-side copy (Files.copy, transferTo,
        // which use sendfile here) copies nothing from them.
        try (InputStream in = Files.newInputStream(root.resolve("trace"));
             OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        }
    }

    /** Puts the events, the buffer size and tracing_on back as {@link #open} found them. */
    @Override
    public void close() throws IOException {
        write("tracing_on", "0");
        write("set_event", oldEvents.isBlank() ? "" : oldEvents);
        write("buffer_size_kb", oldBuffer.replaceAll("\\D.*", ""));
        write("tracing_on", oldOn);
    }

    private String read(String f) throws IOException {
        return Files.readString(root.resolve(f), StandardCharsets.US_ASCII);
    }

    private void write(String f, String text) throws IOException {
        Files.writeString(root.resolve(f), text, StandardCharsets.US_ASCII);
    }
}
