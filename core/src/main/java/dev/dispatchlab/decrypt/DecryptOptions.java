package dev.dispatchlab.decrypt;

import dev.dispatchlab.esp.ReplayWindow;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link CaptureDecryptor} run reads, writes and decides.
 *
 * @param saFiles      SA files (Wireshark {@code esp_sa}, {@code ip xfrm} commands or listings); their SAs
 *                     are installed together
 * @param input        the capture (pcap, pcapng or snoop)
 * @param output       where the decrypted inner packets go (a raw-IP pcap), or null to only count
 * @param decompress   inflate IPComp payloads (RFC 3173/2394) instead of writing them compressed
 * @param replayWindow the anti-replay window of every SA in packets, 0 to turn anti-replay off, or
 *                     {@link #WINDOW_FROM_SA_FILE} to keep what each SA file says
 * @param verifyChecksums drop frames whose IPv4 header or UDP checksum does not verify; when false (what
 *                     Wireshark does with captured traffic) they are decrypted and counted, because a capture
 *                     taken on the sending host holds the partial checksums transmit offload leaves
 */
public record DecryptOptions(List<Path> saFiles, Path input, Path output, boolean decompress, int replayWindow,
                             boolean verifyChecksums) {

    /** {@link #replayWindow()}: each SA keeps the window its file gives (Wireshark files: the default, 1024). */
    public static final int WINDOW_FROM_SA_FILE = -1;

    public DecryptOptions {
        if (saFiles == null || saFiles.isEmpty() || input == null) {
            throw new IllegalArgumentException("decrypt needs at least one SA file and an input capture");
        }
        if (replayWindow < WINDOW_FROM_SA_FILE || replayWindow > ReplayWindow.MAX_SIZE) {
            throw new IllegalArgumentException("--replay-window must be between 0 and " + ReplayWindow.MAX_SIZE
                    + ", got " + replayWindow);
        }
        saFiles = List.copyOf(saFiles);
    }
}
