package dev.dispatchlab.capture;

import java.io.IOException;

/**
 * A capture file that breaks its format: bad magic, a header or record cut short, a block length
 * that is impossible or disagrees with its trailer. Says where: the file, the record (pcap, snoop)
 * or block (pcapng) number counted from 1, and the byte offset where that record or block starts.
 *
 * <p>Message form: {@code "espfrags1.pcap: record 3 at byte offset 1234: truncated record: ..."}.
 */
public final class CaptureFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long recordNumber;
    private final long byteOffset;

    /**
     * @param unit "record", "block" or "file header"
     */
    CaptureFormatException(String file, String unit, long recordNumber, long byteOffset, String problem) {
        super(file + ": " + unit + (recordNumber > 0 ? " " + recordNumber : "") + " at byte offset " + byteOffset + ": " + problem);
        this.file = file;
        this.recordNumber = recordNumber;
        this.byteOffset = byteOffset;
    }

    /** @return the name of the capture as given to the reader */
    public String file() {
        return file;
    }

    /** @return the record or block number, from 1; 0 for the file header */
    public long recordNumber() {
        return recordNumber;
    }

    /** @return the byte offset of the record, block or header that is bad */
    public long byteOffset() {
        return byteOffset;
    }
}
