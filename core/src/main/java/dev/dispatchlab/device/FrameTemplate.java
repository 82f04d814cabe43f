package dev.dispatchlab.device;

/**
 * One pre-built frame the synthetic wire sends again and again: its bytes, its flow hash (which
 * picks the receive ring) and a tag that comes out on every packet made from it
 * ({@code PacketBuffer.tag}, the template id), so the stack and the tests can tell which template a
 * packet came from.
 *
 * <p>The bytes are not copied and must not change while a wire uses the template.
 *
 * @param bytes    the frame, starting at its link header
 * @param flowHash the RSS hash of the frame's flow ({@link #of} computes it as the NIC would)
 * @param tag      the template id, copied into each packet's {@code tag}
 * @param linkType the pcap link type of {@code bytes} ({@link FlowHash#LINKTYPE_ETHERNET} for frames)
 */
public record FrameTemplate(byte[] bytes, int flowHash, long tag, int linkType) {

    public FrameTemplate {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("a template needs bytes: tag=" + tag);
        }
    }

    /** A template whose flow hash is computed from its headers, as the NIC's RSS engine would. */
    public static FrameTemplate of(byte[] bytes, long tag, int linkType) {
        return new FrameTemplate(bytes, FlowHash.ofFrame(bytes, 0, bytes.length, linkType), tag, linkType);
    }

    /** An Ethernet template whose flow hash is computed from its headers. */
    public static FrameTemplate ethernet(byte[] bytes, long tag) {
        return of(bytes, tag, FlowHash.LINKTYPE_ETHERNET);
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "FrameTemplate{tag=" + tag + ", length=" + bytes.length + ", flowHash=" + Integer.toHexString(flowHash) + '}';
    }
}
