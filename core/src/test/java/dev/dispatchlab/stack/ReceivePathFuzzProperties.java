package dev.dispatchlab.stack;

import dev.dispatchlab.metrics.Counter;
import dev.dispatchlab.metrics.CounterBlock;
import dev.dispatchlab.metrics.DropReason;
import dev.dispatchlab.proto.OverlapPolicy;
import dev.dispatchlab.proto.ReassemblyLimits;
import dev.dispatchlab.stack.FuzzFrames.Field;
import dev.dispatchlab.stack.FuzzFrames.Frame;
import dev.dispatchlab.stack.FuzzOp.Kind;
import dev.dispatchlab.stack.FuzzOp.Target;
import dev.dispatchlab.stack.FuzzWorld.Expect;
import dev.dispatchlab.stack.FuzzWorld.Plan;
import dev.dispatchlab.stack.FuzzWorld.Seed;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fuzz test of the whole receive path (link demux, IPv4/IPv6 validation, IPv4 reassembly, UDP and
 * the NAT-T demux, ESP inbound with real cryptography, nested ESP, delivery to sockets), driven by
 * mutations of valid frames.
 *
 * <h2>Why jqwik, not Jazzer</h2>
 * Jazzer's JUnit integration (com.code-intelligence:jazzer-junit 0.24.0) was tried first. Its
 * regression mode runs, but its fuzzing mode is blind here: the ASM it bundles reads class files
 * up to version 67 (Java 23), so on our version-69 classes (Java 25) every instrumentation attempt
 * fails ({@code WARN: Failed to instrument ...: Unsupported class file major version 69}), the
 * coverage map stays empty and libFuzzer degenerates into random input ("no interesting inputs
 * were found so far. Is the code instrumented for coverage?"): in a probe, 63 million runs in 30 s
 * did not find a four-byte magic number. It also needs a dynamically loaded agent and a native
 * driver. A coverage-blind byte fuzzer would almost never get past the ESP integrity check either.
 * So this is a jqwik property with a structure-aware mutation generator instead: it starts from
 * valid frames (the benchmark's {@code workload.TrafficSet}, frames the test builds and seals with
 * {@code esp.EspOutput}, the published captures in {@code captures/}, the link-type samples in
 * {@code proto/}) and mutates them at three levels ({@link FuzzOp.Target}): the plaintext before
 * sealing (so mutations survive the ICV and reach padding, next-header, inner IP and UDP code), the
 * cleartext trailer of NULL-encryption SAs with the ICV recomputed, and the wire (bit flips, byte
 * inserts and deletes, truncation, header fields at known offsets: IPv4 IHL, lengths, fragment
 * flags and offset, protocol, IPv6 payload length and next header, UDP ports, length and checksum,
 * SPI, sequence number, trailer bytes, EtherType and VLAN tags; re-wrapping in every link type;
 * fragmentation, duplicates, gaps, reordering and overlapping fragments). jqwik shrinks a failing
 * case to a short list of named mutations, and reports the seed.
 *
 * <h2>What is checked</h2>
 * For every frame and every try: see {@link FuzzLab} (no exception, exactly one outcome per frame,
 * balanced accounting after a reassembly flush, no buffer outstanding in either pool, nothing
 * delivered under an authenticated SA that was not sealed by a key holder). Each try runs on one of
 * several labs: a world's SAs and seeds under the default path options, or under tight ones
 * (tiny reassembly limits with a 1 ms timeout and the drop-fragment overlap policy, nesting limit 2,
 * inner UDP checksums verified, cleartext UDP allowed through).
 *
 * <h2>What it found</h2>
 * Reassembly of inner fragments: a datagram reassembled after decryption lost its ESP depth and SA
 * (so the path took it for cleartext), and a cleartext fragment could join it (fixed in
 * {@code proto.Ipv4Reassembler}; see {@link #innerFragmentsAreDeliveredAndCleartextFragmentsCannotJoinThem}).
 *
 * <h2>Budget</h2>
 * Each fuzz property runs for {@value FuzzBudget#DEFAULT_SECONDS} s after its first try, which
 * builds the corpus (see {@link FuzzBudget}: {@code -Ddispatchlab.fuzz.seconds},
 * {@code -Ddispatchlab.fuzz.tries}, {@code -Ddispatchlab.fuzz.seed}); a failure prints the seed
 * that reproduces it and jqwik's shrunk case, a list of named mutations. The report of each run
 * shows what became of the frames (delivered, IKE, held, each drop reason), so a change that
 * stops mutations from reaching decryption shows there.
 */
class ReceivePathFuzzProperties {

    /**
     * One seed and what is done to it: {@code seed} picks it (modulo the seeds the property draws
     * from in the case's lab), {@code tick} moves the clock before its first frame. Ops that do not
     * apply to the seed (INNER on a captured frame, RESEAL on a non-NULL SA) do nothing.
     */
    record Item(int seed, List<FuzzOp> ops, long tick) {
    }

    /**
     * One try: a lab (modulo the labs), the items whose frames it offers, whether their frames are
     * interleaved, and whether seeds are drawn from the IPv4 ones only (fragment sequences).
     */
    record FuzzCase(int lab, List<Item> items, long interleave, boolean v4Only) {
        FuzzLab labNow() {
            return Labs.lab(Math.floorMod(lab, Labs.LABS.size()));
        }

        Seed seed(FuzzLab l, Item item) {
            List<Seed> seeds = v4Only ? Labs.FRAGMENTABLE.get(l.world) : l.world.seeds;
            return seeds.get(Math.floorMod(item.seed(), seeds.size()));
        }

        @Override
        public String toString() {
            FuzzLab l = Labs.LABS.get(Math.floorMod(lab, Labs.LABS.size()));
            StringBuilder sb = new StringBuilder(l.toString());
            if (interleave != 0) {
                sb.append(" interleaved(").append(interleave).append(')');
            }
            for (Item i : items) {
                sb.append("\n  '").append(seed(l, i).label()).append("'");
                if (i.tick() != 0) {
                    sb.append(" after ").append(TimeUnit.NANOSECONDS.toMillis(i.tick())).append(" ms");
                }
                for (FuzzOp op : i.ops()) {
                    sb.append("\n    ").append(op);
                }
            }
            return sb.toString();
        }
    }

    /** The labs, built once per test JVM, and what the unmutated corpus did in each. */
    static final class Labs {
        static final List<FuzzLab> LABS = new ArrayList<>();
        static final Map<FuzzLab, List<String>> CLEAN = new HashMap<>();
        /** Per world: the seeds whose frames are IPv4, which fragment sequences start from. */
        static final Map<FuzzWorld, List<Seed>> FRAGMENTABLE = new HashMap<>();

        static final PathOptions DEFAULT = new PathOptions(ReassemblyLimits.DEFAULT, 4, 4, false, true);
        static final PathOptions TIGHT = new PathOptions(new ReassemblyLimits(2, 3, 4000,
                TimeUnit.MILLISECONDS.toNanos(1), OverlapPolicy.DROP_FRAGMENT), 2, 2, true, false);

        static {
            List<FuzzWorld> worlds = new ArrayList<>();
            worlds.add(FuzzWorld.generated());
            worlds.addAll(FuzzWorld.captures());
            for (FuzzWorld w : worlds) {
                var known = FuzzLab.newKnownSet();
                FuzzLab d = new FuzzLab(w, "default", DEFAULT, known);
                CLEAN.put(d, cleanRun(d));
                LABS.add(d);
                LABS.add(new FuzzLab(w, "tight", TIGHT, known));
            }
            for (FuzzWorld w : worlds) {
                List<Seed> v4 = new ArrayList<>();
                for (Seed s : w.seeds) {
                    List<Frame> f = w.materialize(s, List.of(), new ArrayList<>());
                    if (!f.isEmpty() && FuzzFrames.Layout.of(f.get(0)).version() == 4) {
                        v4.add(s);
                    }
                }
                FRAGMENTABLE.put(w, v4);
            }
        }

        /** @return lab {@code i}, replaced by a fresh one if the last try left it in a bad state */
        static synchronized FuzzLab lab(int i) {
            FuzzLab lab = LABS.get(i);
            if (lab.dirty()) {
                lab = lab.fresh();
                LABS.set(i, lab);
            }
            return lab;
        }

        /**
         * Offers every seed unmutated to a fresh path, learns the payloads the corpus delivers and
         * returns, per seed, what went wrong (empty when it met its expectation).
         */
        private static List<String> cleanRun(FuzzLab lab) {
            List<String> problems = new ArrayList<>();
            CounterBlock world = new CounterBlock("clean " + lab);
            for (Seed s : lab.world.seeds) {
                try {
                    lab.begin(true);
                    for (Frame f : lab.world.materialize(s, List.of(), lab.sealed)) {
                        lab.offer(f);
                    }
                    lab.end();
                    CounterBlock c = lab.counters();
                    c.addTo(world);
                    String bad = unmet(s.expect(), c);
                    if (bad != null) {
                        problems.add("'" + s.label() + "': " + bad + "; counters " + c);
                    }
                } catch (Throwable t) {
                    problems.add("'" + s.label() + "' threw " + t);
                    lab = lab.fresh();
                }
            }
            if (lab.world.name.startsWith("captures")) {
                if (world.get(DropReason.INTEGRITY) != 0 || world.get(Counter.ESP_DECRYPTED) == 0) {
                    problems.add("captures: " + world.get(DropReason.INTEGRITY) + " integrity failures, "
                            + world.get(Counter.ESP_DECRYPTED) + " decrypted");
                }
            }
            return problems;
        }

        private static String unmet(Expect e, CounterBlock c) {
            long delivered = c.get(Counter.DELIVERED);
            if (e.delivered() > 0 && delivered != e.delivered()) {
                return "delivered " + delivered + ", want " + e.delivered();
            }
            if (e.drop() != null && (c.get(e.drop()) == 0 || delivered != 0)) {
                return "not dropped as " + e.drop();
            }
            if (e.ike() && c.get(Counter.IKE_PASSED) != 1) {
                return "not passed up as IKE";
            }
            if (e.decrypted() && c.get(Counter.ESP_DECRYPTED) == 0) {
                return "not decrypted";
            }
            return null;
        }
    }

    // ---- the corpus ------------------------------------------------------------------------------

    /** The seeds themselves: each, unmutated, meets its expectation (delivered, IKE, dropped as, decrypted). */
    @Example
    void everySeedMeetsItsExpectation() {
        List<String> problems = new ArrayList<>();
        int seeds = 0;
        for (Map.Entry<FuzzLab, List<String>> e : Labs.CLEAN.entrySet()) {
            seeds += e.getKey().world.seeds.size();
            for (String p : e.getValue()) {
                problems.add(e.getKey() + ": " + p);
            }
        }
        assertThat(problems).as("seeds that do not do what they should").isEmpty();
        assertThat(seeds).isGreaterThan(100);
    }

    /**
     * What the fuzzer found first (see {@code Ipv4ReassemblerTest}): inner fragments reassembled after
     * decryption lost their ESP depth. Here through the whole path: the inner datagram is delivered,
     * and a cleartext fragment posing as its second half, sent first, neither joins it nor gets its
     * bytes delivered (the lab's payload check would fail the try).
     */
    @Example
    void innerFragmentsAreDeliveredAndCleartextFragmentsCannotJoinThem() {
        int lab = Labs.LABS.indexOf(Labs.LABS.stream().filter(l -> l.world.name.equals("generated")
                && l.options == Labs.DEFAULT).findFirst().orElseThrow());
        List<Seed> seeds = Labs.LABS.get(lab).world.seeds;
        int inner = seeds.indexOf(seeds.stream().filter(s -> s.label().equals(FuzzWorld.INNER_FRAGMENTS))
                .findFirst().orElseThrow());
        int spoof = seeds.indexOf(seeds.stream().filter(s -> s.label().equals(FuzzWorld.SPOOFED_INNER_FRAGMENT))
                .findFirst().orElseThrow());
        FuzzCase c = new FuzzCase(lab, List.of(new Item(spoof, List.of(), 0), new Item(inner, List.of(), 0)), 0,
                false);
        CounterBlock counters = run(c).counters();
        assertThat(counters.get(Counter.DELIVERED)).as(c.toString()).isEqualTo(1);
        assertThat(counters.get(DropReason.FRAGMENT_INCOMPLETE)).isEqualTo(1);
        assertThat(counters.get(DropReason.UNPROTECTED)).isZero();
    }

    // ---- mutated frames --------------------------------------------------------------------------

    @Property(tries = 1_000_000, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    @AddLifecycleHook(FuzzBudget.class)
    void mutatedFramesEndInExactlyOneOutcome(@ForAll("mutatedFrames") FuzzCase c) {
        run(c, true);
    }

    /** Generated without flatMap (whose memoisation would cost more than the path itself). */
    @Provide
    Arbitrary<FuzzCase> mutatedFrames() {
        Arbitrary<FuzzOp> ops = Arbitraries.frequencyOf(
                Tuple.of(3, FuzzOp.byteOps(Target.INNER, Arbitraries.just(0))),
                Tuple.of(3, FuzzOp.byteOps(Target.RESEAL, Arbitraries.just(0))),
                Tuple.of(5, FuzzOp.wireOps()));
        Arbitrary<Item> item = Combinators.combine(Arbitraries.integers().between(0, 1 << 16),
                ops.list().ofMaxSize(4), ticks()).as(Item::new);
        return Combinators.combine(Arbitraries.integers().between(0, 1 << 10), item.list().ofMinSize(1).ofMaxSize(4),
                interleaving()).as((lab, items, il) -> new FuzzCase(lab, items, il, false));
    }

    private static Arbitrary<Long> ticks() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.just(TimeUnit.MILLISECONDS.toNanos(2))),
                Tuple.of(1, Arbitraries.just(TimeUnit.SECONDS.toNanos(31))));
    }

    private static Arbitrary<Long> interleaving() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.longs().between(1, Long.MAX_VALUE)));
    }

    // ---- fragment sequences ----------------------------------------------------------------------

    @Property(tries = 1_000_000, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    @AddLifecycleHook(FuzzBudget.class)
    void fragmentSequencesEndInExactlyOneOutcome(@ForAll("fragmentSequences") FuzzCase c) {
        run(c, true);
    }

    /**
     * IPv4 seeds cut into fragments on the wire, then fragments duplicated, dropped (gaps), swapped,
     * overlapped (with the same or other bytes), their offset, flags, identification and lengths
     * rewritten, datagrams of several items interleaved, and time moved past the reassembly timeout.
     */
    @Provide
    Arbitrary<FuzzCase> fragmentSequences() {
        Arbitrary<Integer> frames = Arbitraries.integers().between(0, 7);
        Arbitrary<FuzzOp> cut = Combinators.combine(frames, Arbitraries.integers().between(0, 1500),
                Arbitraries.integers().between(0, 1500))
                .as((f, a, b) -> new FuzzOp(Target.WIRE, Kind.FRAGMENT, f, a, b, false, null));
        Arbitrary<FuzzOp> field = Combinators.combine(frames, Arbitraries.of(Field.IP_FLAGS_OFFSET, Field.IP_ID,
                        Field.IP_TOTAL_LENGTH, Field.IP_PROTOCOL, Field.IP_SOURCE, Field.IP_VERSION_IHL),
                FuzzOp.values(), Arbitraries.of(true, true, false))
                .as((f, fl, v, fix) -> new FuzzOp(Target.WIRE, Kind.FIELD, f, fl.ordinal(), v, fix, null));
        Arbitrary<FuzzOp> sequence = Arbitraries.frequencyOf(
                Tuple.of(2, cut),
                Tuple.of(2, frames.map(f -> new FuzzOp(Target.WIRE, Kind.DUPLICATE, f, 0, 0, false, null))),
                Tuple.of(2, frames.map(f -> new FuzzOp(Target.WIRE, Kind.DROP, f, 0, 0, false, null))),
                Tuple.of(2, Combinators.combine(frames, frames)
                        .as((f, o) -> new FuzzOp(Target.WIRE, Kind.SWAP, f, o, 0, false, null))),
                Tuple.of(3, Combinators.combine(frames, Arbitraries.integers().between(0, 8),
                                Arbitraries.integers().between(0, 1500), Arbitraries.of(true, false))
                        .as((f, s, k, other) -> new FuzzOp(Target.WIRE, Kind.OVERLAP, f, s, k, other, null))),
                Tuple.of(3, field),
                Tuple.of(1, FuzzOp.wireOps()));
        Arbitrary<Item> item = Combinators.combine(Arbitraries.integers().between(0, 1 << 16), cut,
                sequence.list().ofMaxSize(6), ticks()).as((seed, first, ops, t) -> {
                    List<FuzzOp> all = new ArrayList<>();
                    all.add(first);
                    all.addAll(ops);
                    return new Item(seed, all, t);
                });
        return Combinators.combine(Arbitraries.integers().between(0, 1 << 10), item.list().ofMinSize(1).ofMaxSize(3),
                interleaving()).as((lab, items, il) -> new FuzzCase(lab, items, il, true));
    }

    // ---- running a case --------------------------------------------------------------------------

    private static FuzzLab run(FuzzCase c) {
        return run(c, false);
    }

    private static FuzzLab run(FuzzCase c, boolean statistics) {
        FuzzLab lab = c.labNow();
        lab.begin(false);
        List<Frame> frames = new ArrayList<>();
        List<Long> ticks = new ArrayList<>();
        for (Item item : c.items()) {
            List<Frame> f = lab.world.materialize(c.seed(lab, item), item.ops(), lab.sealed);
            for (int k = 0; k < f.size(); k++) {
                frames.add(f.get(k));
                ticks.add(k == 0 ? item.tick() : 0L);
            }
        }
        if (c.interleave() != 0) {
            Collections.shuffle(frames, new Random(c.interleave()));
            Collections.shuffle(ticks, new Random(c.interleave()));
        }
        for (int k = 0; k < frames.size(); k++) {
            lab.advance(ticks.get(k));
            Frame f = frames.get(k);
            try {
                String outcome = lab.offer(f);
                if (statistics) {
                    Statistics.label("frame outcome").collect(outcome);
                }
            } catch (Throwable t) {
                throw new AssertionError("frame " + (k + 1) + " of " + frames.size() + " (" + f + "): " + t, t);
            }
        }
        lab.end();
        return lab;
    }
}
