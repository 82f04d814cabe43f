package dev.dispatchlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a file a command is about to write before any work starts, so that a slip of the command
 * line costs one line of message and nothing else: an output that names one of the command's
 * inputs (the same file by its real path: a link or another spelling counts) would destroy it; one
 * that names a directory cannot be written. (Whether a missing folder is created is each command's
 * choice.)
 *
 * <p>Threading: stateless.
 */
final class Outputs {

    private Outputs() {
    }

    /**
     * @param flag   the flag that names the output, for the message
     * @param output the file to be written, or null when none was asked for
     * @param inputs files the command reads (nulls ignored)
     * @throws UsageException naming the flag and the file when the output cannot or must not be written
     */
    static void check(String flag, Path output, List<Path> inputs) {
        if (output == null) {
            return;
        }
        if (Files.isDirectory(output)) {
            throw new UsageException(flag + ": " + output + " is a directory; give the name of a file to write");
        }
        if (!Files.exists(output)) {
            return;
        }
        for (Path in : inputs) {
            if (in != null && Files.exists(in) && sameFile(output, in)) {
                throw new UsageException(flag + ": " + output + " is an input of this command (" + in
                        + "); refusing to overwrite it");
            }
        }
    }

    /** Refuses two outputs that are the same file. */
    static void distinct(String flagA, Path a, String flagB, Path b) {
        if (a != null && b != null && a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            throw new UsageException(flagA + " and " + flagB + " name the same file: " + a);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
