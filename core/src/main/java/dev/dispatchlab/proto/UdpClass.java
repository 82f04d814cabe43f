package dev.dispatchlab.proto;

import dev.dispatchlab.metrics.DropReason;

/**
 * What an outer UDP datagram carries, by destination port and, on port 4500, by the RFC 3948
 * rules ({@link UdpInput#classify}). {@link #dropReason()} says which classes end on the spot.
 */
public enum UdpClass {
    /** UDP-encapsulated ESP (port 4500, non-zero SPI, at least SPI and sequence number): continues to ESP. */
    ESP(null),
    /** IKE: port 500, or port 4500 with the non-ESP marker. Passed up to the IKE consumer (counted {@code IKE_PASSED}), never dropped. */
    IKE(null),
    /** A NAT-keepalive (port 4500, the single octet 0xFF): consumed, counted as {@link DropReason#NATT_KEEPALIVE}. */
    NATT_KEEPALIVE(DropReason.NATT_KEEPALIVE),
    /** On port 4500 but neither keepalive, marker nor room for SPI and sequence number: {@link DropReason#ESP_TRUNCATED}. */
    NATT_RUNT(DropReason.ESP_TRUNCATED),
    /** Any other destination port: the plain UDP demux (a user socket, inside a tunnel). */
    OTHER(null);

    private final DropReason dropReason;

    UdpClass(DropReason dropReason) {
        this.dropReason = dropReason;
    }

    /** @return the reason a datagram of this class is dropped with at once, or null when it continues */
    public DropReason dropReason() {
        return dropReason;
    }
}
