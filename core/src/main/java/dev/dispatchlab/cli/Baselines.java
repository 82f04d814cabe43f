package dev.dispatchlab.cli;

import dev.dispatchlab.os.CurrentThread;
import dev.dispatchlab.report.ResultFiles;
import dev.dispatchlab.run.BareCipher;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.workload.Workload;

/**
 * Figures measured beside the models in the same process, so that a model's rate can be read
 * against what the cipher alone allows on the same CPU (compare and sweep).
 */
final class Baselines {

    private Baselines() {
    }

    /**
     * Measures the bare cipher on the first host CPU, as the models' host threads run, for about
     * {@code millis} after a warm-up that lasts until its rate is stable.
     */
    static ResultFiles.Baseline bareCipher(RunSpec spec, Workload w, long millis) throws Exception {
        double[] out = new double[1];
        Exception[] err = new Exception[1];
        Thread t = Thread.ofPlatform().name("baseline").start(() -> {
            try {
                if (spec.placement().host() != null) {
                    CurrentThread.pin(spec.placement().hostCpu(0));
                }
                out[0] = BareCipher.measure(w.suite(), (int) Math.round(w.sizes().mean()), millis);
            } catch (Exception e) {
                err[0] = e;
            }
        });
        t.join();
        if (err[0] != null) {
            throw err[0];
        }
        double pps = out[0];
        return new ResultFiles.Baseline("bare-cipher", "bare JCA decryption of the same payload size on one host "
                + "CPU, no ESP, no path (" + w.suite().label() + ")", pps, pps * w.sizes().mean() * 8 / 1e9);
    }
}
