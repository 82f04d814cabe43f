package dev.dispatchlab.cli;

import dev.dispatchlab.crypto.CryptoDrivers;
import dev.dispatchlab.dispatch.models.DispatchModels;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.sim.SimSpec;
import dev.dispatchlab.sim.model.SimModels;
import dev.dispatchlab.sim.profile.CalibratedProfile;
import dev.dispatchlab.sim.profile.Profile;
import dev.dispatchlab.sim.profile.ProfileException;
import dev.dispatchlab.sim.profile.ProfileLoader;
import dev.dispatchlab.workload.Workload;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulator's own options (profiles, models, where interrupts run) beside the runtime's workload
 * options ({@link RunOptions}, reused as they are): a mixin of {@code simulate} and {@code validate}.
 */
final class SimOptions {

    @Option(names = "--profile", paramLabel = "NAME|FILE", split = ",",
            description = "architecture profile: a shipped name, a profile file, or 'all' (repeatable; "
                    + "default: all shipped profiles)")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "also simulate this machine, with the profile built from calibrate's JSON")
    Path calibration;

    @Option(names = "--save-profile", paramLabel = "FILE",
            description = "write the profile built from --calibration to FILE (a profile file, to ship or edit)")
    Path saveProfile;

    @Option(names = "--interrupts", defaultValue = "auto", paramLabel = "WHERE",
            description = "where device interrupts run: auto (host CPU for one-CPU profiles, else a device CPU as "
                    + "the runtime places them), host or device (default: ${DEFAULT-VALUE})")
    String interrupts;

    @Option(names = "--tick", defaultValue = "4ms", paramLabel = "TIME",
            description = "scheduler tick: a thread that has used its slice gives way at the next one "
                    + "(default: ${DEFAULT-VALUE}, HZ=250)")
    String tick;

    @Option(names = "--slice", defaultValue = "1.4ms", paramLabel = "TIME",
            description = "slice between threads of equal priority (default: ${DEFAULT-VALUE}, "
                    + "Linux's 0.7 ms scaled for 2 CPUs, as this machine's kernel reports it)")
    String slice;

    @Option(names = "--short-idle", defaultValue = "25us", paramLabel = "TIME",
            description = "a thread the host CPU picks after idling less than this is preempted by every thread "
                    + "of its priority it wakes, until it sleeps, as this machine's kernel does; 0 leaves it to "
                    + "the fair shares (default: ${DEFAULT-VALUE}, fitted to scripts/experiments/Nap.java here)")
    String shortIdle;

    /** @return the chosen profiles, in order: named ones, then this machine's from --calibration */
    List<Profile> profiles() {
        List<Profile> out = new ArrayList<>();
        try {
            List<String> names = profiles.isEmpty() && calibration == null ? List.of("all") : profiles;
            for (String n : names) {
                if (n.equalsIgnoreCase("all")) {
                    for (Profile p : ProfileLoader.shipped()) {
                        // a fresh calibration replaces the shipped profile of this machine
                        if (calibration == null || !p.name().equals("this-machine")) {
                            out.add(p);
                        }
                    }
                } else {
                    out.add(ProfileLoader.load(n));
                }
            }
            if (calibration != null) {
                Profile p = CalibratedProfile.fromFile(calibration);
                out.add(p);
                if (saveProfile != null) {
                    ProfileLoader.write(p, saveProfile);
                    ProfileLoader.loadFile(saveProfile); // what was written must read back
                    System.out.println("wrote " + saveProfile);
                }
            } else if (saveProfile != null) {
                throw new UsageException("--save-profile: give --calibration FILE to build the profile from");
            }
        } catch (ProfileException e) {
            throw new UsageException("--profile: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new UsageException("--save-profile: cannot write " + saveProfile + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new UsageException("--profile: no profile to simulate (none shipped; give a file or --calibration)");
        }
        return out;
    }

    static List<SimModels> models(String flag, List<String> labels) {
        List<SimModels> out = new ArrayList<>();
        for (String s : labels) {
            if (s.equalsIgnoreCase("all")) {
                out.addAll(List.of(SimModels.values()));
                continue;
            }
            SimModels m = SimModels.byLabel(s);
            if (m == null) {
                throw new UsageException(flag + ": unknown model '" + s + "' (one of " + SimModels.labels() + ")");
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new UsageException(flag + ": name at least one model (" + SimModels.labels() + ")");
        }
        return out;
    }

    /**
     * @param explicitKernelPriority whether --kernel-priority was given: if not, kernel contexts run
     *                               above the user as in a kernel; if so, as the runtime ran them
     */
    SimSpec spec(RunOptions run, Profile profile, SimModels model, boolean explicitKernelPriority) {
        Workload w = run.workload();
        RunSpec r = run.spec(DispatchModels.PUSH, w);
        CryptoDrivers crypto = run.crypto.equalsIgnoreCase("model") ? null : r.crypto();
        SimSpec.Interrupts where = switch (interrupts.toLowerCase(Locale.ROOT)) {
            case "auto" -> SimSpec.Interrupts.AUTO;
            case "host" -> SimSpec.Interrupts.HOST;
            case "device" -> SimSpec.Interrupts.DEVICE;
            default -> throw new UsageException("--interrupts: auto, host or device, got '" + interrupts + "'");
        };
        long tk = Durations.parse("--tick", tick).toNanos();
        if (tk <= 0) {
            throw new UsageException("--tick: must be above 0");
        }
        long sl = Durations.parse("--slice", slice).toNanos();
        if (sl <= 0) {
            throw new UsageException("--slice: must be above 0");
        }
        long si = Durations.parse("--short-idle", shortIdle).toNanos();
        if (si < 0) {
            throw new UsageException("--short-idle: must not be negative");
        }
        try {
            return new SimSpec(profile, model, crypto, r.ratePps(), r.arrivals(), w.sizes(), r.warmup().toNanos(),
                    r.measure().toNanos(), r.ringCapacity(), r.coalescing().packets(), r.coalescing().delayNanos(),
                    r.budget(), r.queueCapacity(), r.socketCapacity(), r.offload().requestLatencyNanos(),
                    r.offload().engineBytesPerSecond(), r.offload().submissionRingSize(), r.offload().coalesceCount(),
                    r.offload().coalesceNanos(), r.auto().engineMinBytes(), r.virtualWorkers(),
                    explicitKernelPriority ? Boolean.valueOf(r.kernelPriority() > 0) : null, where, tk, sl, si,
                    w.seed());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
