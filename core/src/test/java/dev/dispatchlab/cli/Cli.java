package dev.dispatchlab.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the dispatchlab command line in-process, as {@link Main#execute} does, keeping what it printed to stderr. */
record Cli(int status, String err) {

    static Cli run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Cli(status, err.toString());
    }
}
