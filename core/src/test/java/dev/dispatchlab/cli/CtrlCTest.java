package dev.dispatchlab.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C on the commands that run until stopped, with a real signal: each case starts the command
 * in a child JVM (this JVM's class path), waits until it says it is running, sends SIGINT
 * ({@code kill -INT pid}) and reads what it printed and how it ended.
 */
class CtrlCTest {

    /** A child JVM and everything it printed on stdout and stderr, one list, in arrival order per stream. */
    private static final class Child {
        final Process process;
        final List<String> lines = new ArrayList<>();
        final CountDownLatch ready = new CountDownLatch(1);

        Child(String readyMarker, String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            if (new java.io.File("/usr/bin/env").canExecute() && envResetsSignals()) {
                // a JVM started from a background job inherits SIGINT ignored, and then never sees it
                cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).start();
            pump(process.getInputStream(), readyMarker);
            pump(process.getErrorStream(), readyMarker);
        }

        private void pump(java.io.InputStream in, String marker) {
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                        if (l.contains(marker)) {
                            ready.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the child ended
                }
            });
        }

        /** Waits for the marker, sends SIGINT, waits for the end. @return the exit status */
        int interrupt() throws Exception {
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("the child got going: %s", text()).isTrue();
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child ended after SIGINT: %s", text()).isTrue();
            process.getInputStream().close();
            return process.exitValue();
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        void destroy() {
            process.destroyForcibly();
        }
    }

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true").start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    @Timeout(120)
    void ctrlCOnRunPrintsThePartialResultAndTheAccounting() throws Exception {
        Child c = new Child("(Ctrl-C stops it early)", "run", "--model", "puller", "--rate", "2000", "--warmup", "0s",
                "--measure", "600s");
        try {
            int status = c.interrupt();
            String out = c.text();
            assertThat(status).as(out).isEqualTo(130);
            assertThat(out).contains("puller: stopped early (Ctrl-C) after")
                    .containsPattern("puller: accounting offered (\\d+) = delivered \\d+ .*, in flight 0: balanced")
                    .doesNotContain("Exception");
        } finally {
            c.destroy();
        }
    }

    @Test
    @Timeout(120)
    void ctrlCOnCompareStopsAfterTheCurrentModelAndReportsIt() throws Exception {
        Child c = new Child("running push", "compare", "--models", "push,puller", "--rate", "2000", "--warmup", "0s",
                "--measure", "600s");
        try {
            int status = c.interrupt();
            String out = c.text();
            assertThat(status).as(out).isEqualTo(130);
            assertThat(out).contains("push: stopped early (Ctrl-C)").contains("compare: stopped by Ctrl-C after 1 of 2 models")
                    .containsPattern("push: accounting offered \\d+ = .*: balanced").doesNotContain("running puller");
        } finally {
            c.destroy();
        }
    }

    @Test
    @Timeout(120)
    void aCleanCtrlCStopOfTheGatewayExitsZero(@TempDir Path dir) throws Exception {
        Path sa = dir.resolve("sa.conf");
        Cli w = Cli.run("blast", "--to", "127.0.0.1:4500", "--packets", "0", "--write-sa", sa.toString());
        assertThat(w.status()).as(w.err()).isZero();
        assertThat(Files.exists(sa)).isTrue();
        Child c = new Child("(Ctrl-C stops)", "gateway", "--listen", "127.0.0.1:0", "--sa", sa.toString(),
                "--map", "5001=127.0.0.1:5001", "--status", "0");
        try {
            int status = c.interrupt();
            String out = c.text();
            assertThat(status).as(out).isZero();
            assertThat(out).contains("gateway: accounting offered 0").contains("[ok]");
        } finally {
            c.destroy();
        }
    }
}
