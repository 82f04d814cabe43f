package dev.dispatchlab.peers;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.dispatchlab.cli.RunOptions;
import dev.dispatchlab.dispatch.IdleStrategies;
import dev.dispatchlab.run.RunResult;
import dev.dispatchlab.run.RunSpec;
import dev.dispatchlab.run.Runner;
import dev.dispatchlab.workload.TrafficSet;
import dev.dispatchlab.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each peer runs the real path on the socket source with every packet accounted for. */
class PeerModelsTest {

    private static RunSpec spec(PeerModels peer, String... extra) {
        // a second of warm-up: the first run of a peer in a JVM loads its library (Netty's native
        // transport, its allocator) while the generator already sends, which on a busy machine took
        // longer than a short warm-up
        String[] base = {"--source", "socket", "--rate", "20000", "--warmup", "1s", "--measure", "300ms"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        RunOptions o = CommandLine.populateCommand(new RunOptions(), args);
        return o.spec(peer, o.workload());
    }

    @ParameterizedTest
    @EnumSource(PeerModels.class)
    void aPeerDeliversEveryPacketItIsOfferedWithTheAccountingBalanced(PeerModels peer) throws Exception {
        RunResult r = new Runner().runSockets(spec(peer));
        assertThat(r.model()).isEqualTo(peer.label());
        assertThat(r.crypto()).isEqualTo("software");
        assertThat(r.checks().passed()).as(r.checks().toString()).isTrue();
        assertThat(r.accounting().balanced()).isTrue();
        assertThat(r.accounting().offered()).isPositive();
        assertThat(r.deliveredPps()).isPositive();
        assertThat(r.latency().count()).isPositive();
        assertThat(r.threads()).extracting(RunResult.ThreadCounts::name)
                .anyMatch(n -> n.startsWith(peer == PeerModels.NETTY ? "netty-loop" : "disruptor-"));
    }

    @Test
    void theDisruptorPeerDropsMalformedAndReplayedPacketsByReason() throws Exception {
        RunResult r = new Runner().runSockets(spec(PeerModels.DISRUPTOR, "--malformed-share", "0.1",
                "--replay-share", "0.1"));
        assertThat(r.checks().passed()).as(r.checks().toString()).isTrue();
        assertThat(r.accounting().dropped()).isPositive();
        assertThat(r.accounting().drops().keySet()).isNotEmpty();
    }

    @Test
    void aPeerRefusesTheSyntheticSource() {
        RunOptions o = CommandLine.populateCommand(new RunOptions(), "--rate", "1000", "--warmup", "0s",
                "--measure", "100ms");
        Workload w = o.workload();
        RunSpec s = o.spec(PeerModels.NETTY, w);
        assertThatThrownBy(() -> new Runner().run(s, TrafficSet.build(w, 256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socket source only");
    }

    @Test
    void theDisruptorWaitsAsTheRunsIdleStrategySays() {
        assertThat(DisruptorPeer.waitStrategy(IdleStrategies.PARK)).isInstanceOf(BlockingWaitStrategy.class);
        assertThat(DisruptorPeer.waitStrategy(IdleStrategies.SPIN)).isInstanceOf(BusySpinWaitStrategy.class);
        assertThat(DisruptorPeer.waitStrategy(IdleStrategies.YIELD)).isInstanceOf(YieldingWaitStrategy.class);
        assertThat(PeerModels.byLabel(" Netty ")).isEqualTo(PeerModels.NETTY);
        assertThat(PeerModels.byLabel("grpc")).isNull();
    }
}
