package dev.dispatchlab.dispatch;

import org.jctools.queues.MpscArrayQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DoorbellTest {

    @Test
    void ringOnAnAwakeOwnerIsNotAWakeupAndRingsCoalesce() {
        Doorbell bell = new Doorbell();
        assertThat(bell.ring()).isFalse();
        assertThat(bell.ring()).isFalse();
        assertThat(bell.isRung()).isTrue();
        assertThat(bell.consume()).isTrue();
        assertThat(bell.consume()).as("two rings before a consume are one").isFalse();
        bell.ring();
        assertThat(bell.await(IdleStrategies.SPIN_THEN_PARK)).as("a pending ring: no park, no wakeup").isFalse();
    }

    @Test
    void aPendingRingMakesParkReturnAtOnceWithoutAWakeup() {
        Doorbell bell = new Doorbell();
        bell.ring();
        assertThat(bell.parkUntilRung()).isFalse();
        assertThat(bell.isRung()).isFalse();
    }

    @Test
    void aParkedOwnerIsWokenByExactlyOneRing() throws Exception {
        Doorbell bell = new Doorbell();
        AtomicBoolean woke = new AtomicBoolean();
        Thread owner = Thread.ofPlatform().start(() -> woke.set(bell.await(IdleStrategies.PARK)));
        Await.until(bell::isParked, "the owner to park");
        assertThat(bell.ring()).as("the ring that finds the owner parked unparks it").isTrue();
        bell.ring(); // may find it rung or idle again: never a second unpark for one sleep
        owner.join();
        assertThat(woke).as("the owner's wait reports the wakeup").isTrue();
    }

    @Test
    void anInterruptDoesNotEndAParkAndIsKept() throws Exception {
        Doorbell bell = new Doorbell();
        AtomicBoolean rung = new AtomicBoolean();
        AtomicBoolean returnedAfterRing = new AtomicBoolean();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread owner = Thread.ofPlatform().start(() -> {
            bell.parkUntilRung();
            returnedAfterRing.set(rung.get());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        Await.until(bell::isParked, "the owner to park");
        owner.interrupt();
        Await.until(() -> owner.getState() == Thread.State.WAITING || !owner.isAlive(), "the owner to park again");
        rung.set(true);
        bell.ring();
        owner.join();
        assertThat(returnedAfterRing).as("the wait ended by the ring, not by the interrupt").isTrue();
        assertThat(interruptedAfter).as("the interrupt is kept for the owner").isTrue();
    }

    /**
     * A producer publishes items then rings; the owner drains then waits. Every item must be seen:
     * a lost wakeup would leave the owner asleep with items queued, and the test would time out.
     * The wakeups the owner reports equal the rings that reported unparking it.
     */
    @ParameterizedTest
    @EnumSource(IdleStrategies.class)
    void noWakeupIsLostBetweenAProducerAndTheOwner(IdleStrategies idle) throws Exception {
        int items = idle == IdleStrategies.PARK ? 20_000 : 100_000;
        MpscArrayQueue<Integer> queue = new MpscArrayQueue<>(64);
        Doorbell bell = new Doorbell();
        AtomicLong ringerWakeups = new AtomicLong();
        AtomicLong ownerWakeups = new AtomicLong();
        AtomicLong received = new AtomicLong();
        Thread owner = Thread.ofPlatform().start(() -> {
            long seen = 0;
            while (seen < items) {
                Integer v;
                while ((v = queue.poll()) != null) {
                    seen++;
                }
                if (seen < items && bell.await(idle)) {
                    ownerWakeups.incrementAndGet();
                }
            }
            received.set(seen);
        });
        Integer one = 1;
        for (int i = 0; i < items; i++) {
            while (!queue.offer(one)) {
                Thread.onSpinWait();
            }
            if (bell.ring()) {
                ringerWakeups.incrementAndGet();
            }
        }
        owner.join();
        assertThat(received.get()).isEqualTo(items);
        assertThat(ownerWakeups.get()).as("owner-side and ringer-side wakeup counts").isEqualTo(ringerWakeups.get());
        if (!idle.mayPark()) {
            assertThat(ringerWakeups.get()).as("a strategy that never parks is never unparked").isZero();
        }
    }

    @Test
    void idleStrategiesAreNamedAndParsed() {
        for (IdleStrategies s : IdleStrategies.values()) {
            assertThat(IdleStrategies.parse(s.label())).isSameAs(s);
            assertThat(IdleStrategies.parse(s.name())).isSameAs(s);
        }
        assertThat(IdleStrategies.parse("spin-then-park")).isSameAs(IdleStrategies.SPIN_THEN_PARK);
        assertThat(IdleStrategies.spinThenPark(10, 2).label()).isEqualTo("spin-then-park(10,2)");
        assertThatThrownBy(() -> IdleStrategies.parse("nap")).hasMessageContaining("nap");
        assertThatThrownBy(() -> IdleStrategies.spinThenPark(-1, 0)).hasMessageContaining("spins=-1");
    }
}
