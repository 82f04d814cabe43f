/**
 * What traffic a run offers.
 *
 * <h2>What</h2>
 * A {@link dev.dispatchlab.workload.Workload} names the sizes ({@link dev.dispatchlab.workload.SizeMix}),
 * flows, SAs, algorithms ({@link dev.dispatchlab.workload.CipherSuite}), ESN, NAT-T and the shares of
 * malformed, replayed and corrupted packets. {@link dev.dispatchlab.workload.TrafficSet} turns it into
 * real ESP frames, encrypted once through the project's own outbound path, with the SAs the receiver
 * needs and a check for every payload the user will see.
 *
 * <h2>Why pre-built, and how replays are avoided</h2>
 * Encrypting on the wire would cost the device CPU what decrypting costs the host. A pre-built set
 * replayed as is would be all replays after one pass; so each SA is a pair of SPIs, alternated phase
 * by phase as across a rekey, and a window is re-armed only long after its SPI's last packet (see
 * {@link dev.dispatchlab.workload.TrafficSet}). Every packet is checked against a live anti-replay
 * window, authenticated and decrypted.
 *
 * <h2>Costs</h2>
 * Building takes a fraction of a second to two seconds and at most about 128 MiB of frames, once per
 * process; compare reuses the set for every model (each run gets fresh receiver SAs).
 */
package dev.dispatchlab.workload;
