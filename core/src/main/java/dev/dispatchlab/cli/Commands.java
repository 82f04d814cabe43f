package dev.dispatchlab.cli;

import java.util.List;

/** The sub-commands, in the order {@code --help} lists them. Add a command here to register it. */
final class Commands {

    private Commands() {
    }

    static List<Object> all() {
        return List.of(new RunCommand(), new CompareCommand(), new SweepCommand(), new BenchCommand(), new ReportCommand(),
                new CalibrateCommand(), new SimulateCommand(), new ValidateCommand(), new DecryptCommand(), new BlastCommand(),
                new GatewayCommand(), new SchedTraceCommand());
    }
}
