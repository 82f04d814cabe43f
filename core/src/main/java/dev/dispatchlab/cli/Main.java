package dev.dispatchlab.cli;

import dev.dispatchlab.capture.CaptureFormatException;
import dev.dispatchlab.esp.SaConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code dispatchlab} command. Exit status: 0 success, 1 a run that failed its own checks
 * (accounting, content) or a bug, 2 bad input (a flag, a configuration line, a capture file), each
 * reported as one line that says what and where, never as a stack trace.
 */
@Command(name = "dispatchlab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Measures what each interrupt-dispatch design costs per packet on a real IPsec ESP receive path.",
                "With no command, runs 'compare' on built-in defaults."},
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad input. */
    public static final int EXIT_USAGE = 2;
    /** Exit status for a run that failed its own checks. */
    public static final int EXIT_FAILED = 1;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** @return the configured command line, all sub-commands registered */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Object sub : Commands.all()) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(Main::badParameter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** A flag picocli could not take (unknown, missing value, not a number): one line, exit 2, no usage dump. */
    private static int badParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("dispatchlab " + cl.getCommandName() + ": " + e.getMessage() + " (see --help)");
        err.flush();
        return EXIT_USAGE;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable t = e;
        if (t instanceof UncheckedIOException u) {
            t = u.getCause();
        }
        if (t instanceof UsageException || t instanceof SaConfigException || t instanceof CaptureFormatException
                || t instanceof IllegalArgumentException) {
            err.println("dispatchlab " + cl.getCommandName() + ": " + t.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        if (t instanceof java.nio.file.NoSuchFileException nf) {
            err.println("dispatchlab " + cl.getCommandName() + ": no such file: " + nf.getFile());
            err.flush();
            return EXIT_USAGE;
        }
        if (t instanceof IOException io) {
            err.println("dispatchlab " + cl.getCommandName() + ": " + io);
            err.flush();
            return EXIT_USAGE;
        }
        if (t instanceof RunFailedException rf) {
            err.println("dispatchlab " + cl.getCommandName() + ": " + rf.getMessage());
            err.flush();
            return EXIT_FAILED;
        }
        err.println("dispatchlab " + cl.getCommandName() + ": internal error (a bug; please report it):");
        e.printStackTrace(err);
        err.flush();
        return EXIT_FAILED;
    }

    /** The version printed by {@code --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"dispatchlab " + (v == null ? "(development build)" : v) + " on Java "
                    + Runtime.version()};
        }
    }
}
