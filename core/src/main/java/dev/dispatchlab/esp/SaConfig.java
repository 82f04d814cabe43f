package dev.dispatchlab.esp;

import dev.dispatchlab.crypto.CryptoDriver;
import dev.dispatchlab.crypto.CryptoSession;
import dev.dispatchlab.crypto.SessionParams;

import java.net.InetAddress;
import java.util.HexFormat;

/**
 * One security association as a configuration file describes it, before it has a crypto session:
 * what {@link SaConfigReader} returns and {@link #open(CryptoDriver)} turns into a live
 * {@link SecurityAssociation}. Keys stay inside {@link #params()}, which never prints them.
 *
 * @param origin                 {@code file:line} where the SA was described, for messages
 * @param spi                    the SPI
 * @param source                 outer source address, or null for any
 * @param destination            outer destination address, or null for any
 * @param mode                   tunnel, transport, or null to infer from the next header on input
 * @param params                 algorithms, keys and the ESN flag
 * @param replayWindow           anti-replay window in packets, 0 for none
 * @param inboundHighestSequence the window's right edge at installation (normally 0)
 * @param outboundSequence       the next sequence number to send (normally 1)
 * @param nattSourcePort         RFC 3948 UDP source port for output, 0 without NAT-T
 * @param nattDestinationPort    RFC 3948 UDP destination port for output, 0 without NAT-T
 * @param reqid                  the kernel's request id ({@code ip xfrm}), 0 when not given; informational
 */
public record SaConfig(String origin, int spi, InetAddress source, InetAddress destination, Mode mode,
                       SessionParams params, int replayWindow, long inboundHighestSequence, long outboundSequence,
                       int nattSourcePort, int nattDestinationPort, int reqid) {

    /** Opens a crypto session on {@code driver} and builds the SA, which owns the session. */
    public SecurityAssociation open(CryptoDriver driver) {
        CryptoSession session = new CryptoSession(params, driver);
        SecurityAssociation.Builder b = SecurityAssociation.builder(spi, session)
                .source(source)
                .destination(destination)
                .mode(mode)
                .replayWindow(replayWindow)
                .inboundHighestSequence(inboundHighestSequence)
                .outboundSequence(outboundSequence);
        if (nattDestinationPort != 0) {
            b.natTraversal(nattSourcePort, nattDestinationPort);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "SaConfig{" + origin + ", spi=0x" + HexFormat.of().toHexDigits(spi) + ", "
                + (source == null ? "*" : source.getHostAddress()) + " -> "
                + (destination == null ? "*" : destination.getHostAddress())
                + (mode == null ? "" : ", " + mode.name().toLowerCase()) + ", " + params
                + ", window " + replayWindow
                + (nattDestinationPort != 0 ? ", udp " + nattSourcePort + "->" + nattDestinationPort : "") + '}';
    }
}
