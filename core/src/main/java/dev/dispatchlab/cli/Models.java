package dev.dispatchlab.cli;

import dev.dispatchlab.dispatch.models.DispatchModel;
import dev.dispatchlab.dispatch.models.DispatchModels;
import dev.dispatchlab.run.Placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The models a command runs: the {@code --models} list, and the process-wide settings that must be
 * made before the first virtual thread starts.
 */
final class Models {

    private Models() {
    }

    /** @return the models named in {@code labels}, in order; an unknown one is a usage error */
    static List<DispatchModel> parse(String flag, List<String> labels) {
        List<DispatchModel> chosen = new ArrayList<>();
        for (String s : labels) {
            DispatchModels m = DispatchModels.byLabel(s);
            if (m == null) {
                throw new UsageException(flag + ": unknown model '" + s + "' (one of " + DispatchModels.labels() + ")");
            }
            chosen.add(m);
        }
        if (chosen.isEmpty()) {
            throw new UsageException(flag + ": name at least one model (" + DispatchModels.labels() + ")");
        }
        return chosen;
    }

    /**
     * Sizes the JDK's virtual-thread scheduler to the host CPUs, so that the vthread model's carriers
     * are as many as the host has CPUs (the scheduler reads this once, when it is created).
     */
    static void prepareVirtualThreads(Placement placement) {
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
            System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(placement.hostCpus()));
            System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", Integer.toString(Math.max(2, placement.hostCpus() * 2)));
        }
    }
}
