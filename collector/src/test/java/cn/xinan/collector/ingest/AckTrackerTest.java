package cn.xinan.collector.ingest;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedSeq;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.testing.ManualClock;
import cn.xinan.wire.Acknowledgement;
import cn.xinan.wire.ResendRequest;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The end-to-end acknowledgement and gap tracking, over a real SQLite store, on a clock the test moves. */
class AckTrackerTest {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private static final AckSettings SETTINGS = new AckSettings(Duration.ofSeconds(30), Duration.ofMinutes(5));

    @TempDir
    Path dir;
    private EventStore store;
    private final ManualClock clock = new ManualClock(T0);
    private final List<Acknowledgement> acks = new CopyOnWriteArrayList<>();
    private final List<ResendRequest> resends = new CopyOnWriteArrayList<>();
    private final AckTracker.Sink sink = new AckTracker.Sink() {
        @Override
        public void acknowledge(Acknowledgement ack) {
            acks.add(ack);
        }

        @Override
        public void requestResend(ResendRequest request) {
            resends.add(request);
        }
    };
    private final TestDevice device = new TestDevice("dev-1", "room-1");
    private List<SignedEvent> events; // seq 1..20

    @BeforeEach
    void open() {
        store = SqliteEventStore.open(dir.resolve("events.db"));
        events = device.heartbeats(T0, 20);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Appends the events with these seqs durably, then tells {@code tracker}, as the storing stage does. */
    private void store(AckTracker tracker, long... seqs) {
        List<StoredEvent> batch = new ArrayList<>();
        for (long s : seqs) {
            batch.add(new StoredEvent(events.get((int) s - 1), "room-1", clock.instant()));
        }
        store.append(batch);
        tracker.stored(batch);
    }

    private long lastAck() {
        return acks.get(acks.size() - 1).through();
    }

    @Test
    void aContiguousRunIsAcknowledgedThroughItsLastSeq() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2, 3);
        store(tracker, 4);

        assertThat(acks).extracting(Acknowledgement::through).containsExactly(3L, 4L);
        assertThat(acks).extracting(Acknowledgement::throughEventId)
                .as("the event stored under through: a device checks it is its own")
                .containsExactly(events.get(2).event().eventId(), events.get(3).event().eventId());
        assertThat(tracker.progress()).singleElement().satisfies(p -> {
            assertThat(p.through()).isEqualTo(4);
            assertThat(p.gaps()).isEmpty();
        });
    }

    @Test
    void aGapHoldsTheAcknowledgementUntilItFillsAndIsVisibleMeanwhile() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2);
        store(tracker, 5, 6);

        assertThat(lastAck()).isEqualTo(2);
        assertThat(tracker.progress().get(0).gaps()).containsExactly(new AckTracker.SeqRange(3, 4));
        assertThat(tracker.progress().get(0).highestSeen()).isEqualTo(6);

        store(tracker, 3, 4);

        assertThat(lastAck()).isEqualTo(6);
        assertThat(acks.get(acks.size() - 1).throughEventId()).isEqualTo(events.get(5).event().eventId());
        assertThat(tracker.progress().get(0).gaps()).isEmpty();
    }

    @Test
    void aGapThatDoesNotFillIsAskedForAfterTheTimeOutAndAgainEveryTimeOut() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2, 5, 8);

        tracker.checkGaps();
        assertThat(resends).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        tracker.checkGaps();
        assertThat(resends).containsExactly(new ResendRequest("dev-1", 3, 4), new ResendRequest("dev-1", 6, 7));

        clock.advance(Duration.ofSeconds(10));
        tracker.checkGaps();
        assertThat(resends).hasSize(2);

        clock.advance(Duration.ofSeconds(20));
        tracker.checkGaps();
        assertThat(resends).hasSize(4);
    }

    @Test
    void anotherReplicaFillingTheGapIsSeenAtTheNextCheck() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2, 4);
        // another collector replica stores seq 3 in the same store
        store.append(List.of(new StoredEvent(events.get(2), "room-1", clock.instant())));

        tracker.checkGaps();

        assertThat(lastAck()).isEqualTo(4);
        assertThat(tracker.progress().get(0).gaps()).isEmpty();
    }

    @Test
    void aCollectorThatStartsLateDerivesTheAcknowledgementFromTheStoreNotFromWhatItReceived() {
        new AckTracker(store, sink, SETTINGS, clock); // the collector before a restart
        store.append(List.of(new StoredEvent(events.get(0), "room-1", T0), new StoredEvent(events.get(1), "room-1", T0),
                new StoredEvent(events.get(2), "room-1", T0)));
        AckTracker restarted = new AckTracker(store, sink, SETTINGS, clock);

        store(restarted, 4);

        assertThat(lastAck()).isEqualTo(4);
    }

    @Test
    void aRedeliveryIsAnsweredWithTheAcknowledgementAgain() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2, 3);
        store(tracker, 2, 3);

        assertThat(acks).extracting(Acknowledgement::through).containsExactly(3L, 3L);
    }

    @Test
    void anAcknowledgementThatStopsAdvancingWhileEventsArriveAboveTheGapIsAStall() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 3);
        assertThat(tracker.stalled()).isEmpty();

        clock.advance(Duration.ofMinutes(6));
        assertThat(tracker.stalled()).as("nothing arrived since the gap opened").isEmpty();
        store(tracker, 4);
        assertThat(tracker.stalled()).containsExactly("dev-1");

        store(tracker, 2);
        assertThat(tracker.stalled()).isEmpty();
        assertThat(lastAck()).isEqualTo(4);
    }

    /** Records seq {@code seq} as verified and quarantined in the store, then tells {@code tracker}, as the storing stage does. */
    private void quarantine(AckTracker tracker, long seq, QuarantineReason reason) {
        QuarantinedSeq q = QuarantinedSeq.of(events.get((int) seq - 1).event(), reason, clock.instant());
        store.quarantineSeqs(List.of(q));
        tracker.stored(List.of(), List.of(q));
    }

    @Test
    void aVerifiedEventQuarantinedInTheMiddleIsPassedByTheAcknowledgement() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2);
        quarantine(tracker, 3, QuarantineReason.IMPLAUSIBLE_TIME);
        store(tracker, 4, 5);

        assertThat(acks).extracting(Acknowledgement::through).containsExactly(2L, 3L, 5L);
        assertThat(acks.get(1).throughEventId()).as("the quarantined event's id: the device deletes it")
                .isEqualTo(events.get(2).event().eventId());
        assertThat(tracker.progress().get(0).gaps()).isEmpty();
        clock.advance(Duration.ofMinutes(6));
        store(tracker, 6);
        assertThat(tracker.stalled()).isEmpty();
    }

    @Test
    void aQuarantinedSeqRecordedByAnotherReplicaFillsTheGapAtTheNextCheckAndForACollectorStartingLate() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2, 4);
        // another collector replica quarantined seq 3 (the store refused it) in the same store
        store.quarantineSeqs(List.of(QuarantinedSeq.of(events.get(2).event(), QuarantineReason.STORE_REFUSED, T0)));

        tracker.checkGaps();

        assertThat(lastAck()).isEqualTo(4);
        assertThat(tracker.progress().get(0).gaps()).isEmpty();

        AckTracker restarted = new AckTracker(store, sink, SETTINGS, clock);
        store(restarted, 5);
        assertThat(lastAck()).isEqualTo(5);
    }

    @Test
    void anUnhandledMissingSeqStillHoldsTheAcknowledgement() {
        AckTracker tracker = new AckTracker(store, sink, SETTINGS, clock);
        store(tracker, 1, 2);
        // seq 3 came in a message that failed verification: nothing recorded, nothing handled
        store(tracker, 4, 5);

        assertThat(lastAck()).isEqualTo(2);
        assertThat(tracker.progress().get(0).gaps()).containsExactly(new AckTracker.SeqRange(3, 3));
    }
}
