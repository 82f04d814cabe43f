package dev.dispatchlab.cli;

import dev.dispatchlab.decrypt.CaptureDecryptor;
import dev.dispatchlab.decrypt.DecryptOptions;
import dev.dispatchlab.decrypt.DecryptReport;
import dev.dispatchlab.esp.ReplayWindow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code dispatchlab decrypt}: a capture and its keys in, the decrypted inner packets out, every
 * frame accounted for. The work is {@link CaptureDecryptor}'s (see {@code dev.dispatchlab.decrypt});
 * this class reads the command line, prints the summary and maps the outcome to the exit status.
 */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = {"Decrypts the ESP traffic of a capture (pcap, pcapng or snoop) with the keys of SA files,"
                + " by running every frame through the receive path, and writes each decrypted inner packet"
                + " (after every ESP layer) to a raw-IP pcap with its frame's timestamp.",
                "Cleartext frames (ARP, plain UDP, IKE) are counted, not errors; every frame not written is"
                        + " counted under a drop reason, and the accounting line says that the counts add up.",
                "Exit status: 0 done, 1 the accounting did not balance, 2 bad input (a flag, an SA line, a capture)."},
        footer = {"", "Decisions:",
                "  Output: pcap link type 101 (raw IP; IPv4 and IPv6 in one file), nanosecond timestamps. Tunnel"
                        + " mode writes the inner packet; transport mode writes the outer IP header, rebuilt with"
                        + " ESP's next header and the new lengths, in front of the plaintext. A datagram"
                        + " reassembled from IP fragments carries the time of the frame that completed it.",
                "  IPComp (next header 108): written as it arrives (the rebuilt outer header, protocol 108, then"
                        + " the IPComp header and compressed data) unless --decompress; then DEFLATE is inflated and"
                        + " the packet written decompressed; one that does not inflate is dropped as 'ipcomp bad'.",
                "  Anti-replay: each SA keeps the window its file gives (Wireshark esp_sa: 1024). A capture with a"
                        + " frame twice (two interfaces, a retransmission) then shows 'replay' drops;"
                        + " --replay-window 0 decrypts every copy.",
                "  Checksums: a capture taken on the sending host holds the partial UDP checksums transmit offload"
                        + " leaves for the device to finish, so IPv4 header and UDP checksums that do not verify are"
                        + " not a reason to drop a frame: such frames are decrypted and counted ('checksum not"
                        + " verified'); ESP's integrity check still covers every byte it protects."
                        + " --verify-checksums drops them, as a receiving kernel would. TCP checksums are never"
                        + " verified (nothing on the path consumes TCP).",
                "  Timestamps that pcap cannot hold (before 1970, after 2106) are clamped and counted.",
                "", "Example:",
                "  dispatchlab decrypt --sa espfrags1.esp_sa espfrags1.pcap -o plain.pcap --json report.json"})
public final class DecryptCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--sa", required = true, paramLabel = "FILE",
            description = "SA file: a Wireshark esp_sa table, 'ip xfrm state add' commands or 'ip xfrm state'"
                    + " output. Repeat for more files; all their SAs are installed.")
    private List<Path> saFiles;

    @Parameters(index = "0", paramLabel = "INPUT", description = "the capture: pcap, pcapng or snoop")
    private Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.pcap",
            description = "write the decrypted inner packets here (raw IP pcap); without it, only count")
    private Path output;

    @Option(names = "--decompress", description = "inflate IPComp (RFC 3173/2394 DEFLATE) payloads")
    private boolean decompress;

    @Option(names = "--json", paramLabel = "FILE", description = "write the summary as JSON too")
    private Path json;

    @Option(names = "--replay-window", paramLabel = "N",
            description = "anti-replay window of every SA, in packets; 0 turns anti-replay off (default: as each SA"
                    + " file says)")
    private Integer replayWindow;

    @Option(names = "--verify-checksums",
            description = "drop frames whose IPv4 header or UDP checksum does not verify (default: decrypt them and"
                    + " count them as 'checksum not verified', as captures taken on the sender hold partial"
                    + " checksums left for transmit offload)")
    private boolean verifyChecksums;

    @Override
    public Integer call() throws Exception {
        if (replayWindow != null && (replayWindow < 0 || replayWindow > ReplayWindow.MAX_SIZE)) {
            throw new UsageException("--replay-window must be between 0 and " + ReplayWindow.MAX_SIZE + ", got "
                    + replayWindow);
        }
        if (!Files.isRegularFile(input)) {
            throw new UsageException(Files.exists(input) ? "input is not a file: " + input : "no such file: " + input);
        }
        List<Path> inputs = new java.util.ArrayList<>(saFiles);
        inputs.add(input);
        Outputs.check("-o", output, inputs);
        Outputs.check("--json", json, inputs);
        Outputs.distinct("-o", output, "--json", json);
        for (Path p : new Path[]{output, json}) {
            Path parent = p == null ? null : p.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new UsageException("no such folder for " + p + ": " + parent);
            }
        }
        DecryptOptions options = new DecryptOptions(saFiles, input, output, decompress,
                replayWindow == null ? DecryptOptions.WINDOW_FROM_SA_FILE : replayWindow, verifyChecksums);
        DecryptReport report = CaptureDecryptor.run(options);
        PrintWriter out = spec.commandLine().getOut();
        for (String line : report.summary()) {
            out.println(line);
        }
        out.flush();
        if (json != null) {
            try {
                Files.writeString(json, report.toJson() + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("cannot write " + json + ": " + e.getMessage(), e);
            }
        }
        if (!report.accounting().balanced()) {
            throw new RunFailedException("accounting failed: " + report.accounting().identity()
                    + (output == null ? "" : "; " + output + " not written"));
        }
        return 0;
    }
}
