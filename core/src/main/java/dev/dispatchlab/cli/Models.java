package dev.dispatchlab.cli;

import dev.dispatchlab.run.Placement;

/** Process-wide settings that must be made before the first virtual thread starts. */
final class Models {

    private Models() {
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
