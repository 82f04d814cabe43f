/**
 * The {@code dispatchlab} command (picocli). Exit status 0 for a result, 1 for a run that failed its
 * own checks or a bug, 2 for bad input; bad input is one line that says what and where, never a
 * stack trace ({@link dev.dispatchlab.cli.Main}). Flags shared by {@code run} and {@code compare}
 * live in {@link dev.dispatchlab.cli.RunOptions}, which turns them into a {@code RunSpec};
 * {@code --hdr-log}, shared by run, compare, sweep and bench, in {@link dev.dispatchlab.cli.HdrLogOption}.
 * Progress of long commands goes to standard error ({@link dev.dispatchlab.cli.Progress}), results to
 * standard output.
 */
package dev.dispatchlab.cli;
