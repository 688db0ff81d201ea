package cn.xinan.collector.warnings;

import cn.xinan.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warnings' lease (docs/warnings.md, "Several replicas") on a store that is only written and read, as InfluxDB is:
 * whatever the interleaving of two replicas' writes and reads, at most one holds it, and a lapsed one is taken over.
 */
class LeaseTest {
    private static final Duration LENGTH = Duration.ofMinutes(3);
    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-12T01:00:00Z"));
    private final MemorySharedState store = new MemorySharedState();
    private final Lease a = new Lease(store, "warnings", "a", clock, LENGTH);
    private final Lease b = new Lease(store, "warnings", "b", clock, LENGTH);

    @Test
    void oneReplicaHoldsItAndTheOtherTakesItOverOnlyOnceItLapsed() {
        assertThat(a.hold()).isEqualTo(Lease.Standing.TAKEN);
        assertThat(b.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
        clock.advance(Duration.ofMinutes(2));
        assertThat(a.hold()).isEqualTo(Lease.Standing.KEPT);
        clock.advance(LENGTH.minusSeconds(1)); // a stops renewing: it died
        assertThat(b.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.held()).isFalse();
        assertThat(b.hold()).isEqualTo(Lease.Standing.TAKEN);
        assertThat(b.held()).isTrue();
        assertThat(a.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
        assertThat(b.hold()).isEqualTo(Lease.Standing.KEPT);
    }

    @Test
    void aStoppedHolderReleasesItForTheOtherAtOnce() {
        a.hold();
        a.release();
        assertThat(a.held()).isFalse();
        assertThat(b.hold()).isEqualTo(Lease.Standing.TAKEN);
    }

    @Test
    void aReplicaThatReadBeforeTheOthersClaimSeesItAfterWritingItsOwn() {
        // a found the lease free, then b claimed and won it before a's claim was written
        store.onClaimWrite("a", true, claim -> assertThat(b.hold()).isEqualTo(Lease.Standing.TAKEN));

        assertThat(a.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
        assertThat(b.held()).isTrue();
        assertThat(a.held()).isFalse();
        assertThat(b.hold()).isEqualTo(Lease.Standing.KEPT);
    }

    @Test
    void twoReplicasThatBothClaimBeforeEitherReadsAgainBothWithdrawAndTheNextTryTakesIt() throws Exception {
        CyclicBarrier lockstep = new CyclicBarrier(2);
        LockstepState both = new LockstepState(store, lockstep);
        Lease a2 = new Lease(both, "warnings", "a", clock, LENGTH);
        Lease b2 = new Lease(both, "warnings", "b", clock, LENGTH);

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Lease.Standing> fromA = threads.submit(a2::hold);
            Future<Lease.Standing> fromB = threads.submit(b2::hold);

            assertThat(fromA.get(30, TimeUnit.SECONDS)).isEqualTo(Lease.Standing.ELSEWHERE);
            assertThat(fromB.get(30, TimeUnit.SECONDS)).isEqualTo(Lease.Standing.ELSEWHERE);
        } finally {
            threads.shutdownNow();
        }
        assertThat(store.claims("warnings")).allMatch(c -> c.withdrawn() && c.term() == 1);
        both.stop();
        assertThat(b2.hold()).isEqualTo(Lease.Standing.TAKEN);
        assertThat(a2.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
    }

    @Test
    void aHolderWhoseRenewalLandsAfterATakeoverStepsDown() {
        a.hold();
        clock.advance(LENGTH.minusSeconds(1));
        // a reads its clock and renews, but its write is slow: meanwhile its lease lapses and b takes over
        store.onClaimWrite("a", true, claim -> {
            clock.advance(Duration.ofSeconds(2));
            assertThat(b.hold()).isEqualTo(Lease.Standing.TAKEN);
        });

        assertThat(a.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
        assertThat(a.held()).isFalse();
        assertThat(b.held()).isTrue();
    }

    @Test
    void aTakeoverThatReadsTheHoldersRenewalGivesWay() {
        a.hold();
        clock.advance(LENGTH.minusSeconds(1));
        // a's renewal is written; before a reads again, b finds the old lease lapsed by its clock
        store.onClaimWrite("a", false, claim -> {
            clock.advance(Duration.ofSeconds(2));
            assertThat(b.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
        });

        assertThat(a.hold()).isEqualTo(Lease.Standing.KEPT);
        assertThat(a.held()).isTrue();
        assertThat(b.held()).isFalse();
    }

    @Test
    void aHolderRenewsWhenLessThanHalfOfItIsLeft() {
        Instant start = clock.instant();
        a.hold();
        clock.advance(Duration.ofSeconds(100));
        assertThat(a.held()).isTrue();
        clock.advance(Duration.ofSeconds(150)); // 250 s after it was taken: lapsed without the renewal at 100 s
        assertThat(clock.instant()).isAfter(start.plus(LENGTH));
        assertThat(a.held()).isTrue();
        assertThat(b.hold()).isEqualTo(Lease.Standing.ELSEWHERE);
    }

    /** Every read and write of the two replicas waits for the other's, until stopped. */
    private static final class LockstepState extends DelegatingSharedState {
        private final CyclicBarrier barrier;
        private volatile boolean on = true;

        LockstepState(MemorySharedState store, CyclicBarrier barrier) {
            super(store);
            this.barrier = barrier;
        }

        void stop() {
            on = false;
        }

        private void step() {
            if (on) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other replica did not take the same step", e);
                }
            }
        }

        @Override
        public void writeClaim(String lease, LeaseClaim claim) {
            super.writeClaim(lease, claim);
            step();
        }

        @Override
        public java.util.List<LeaseClaim> claims(String lease) {
            java.util.List<LeaseClaim> out = super.claims(lease);
            step();
            return out;
        }
    }
}
