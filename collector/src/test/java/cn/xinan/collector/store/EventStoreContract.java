package cn.xinan.collector.store;

import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.wire.SignatureVerifier;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link EventStore} adapter must have. Each adapter's test extends this and says how
 * to open (and re-open, on the same data) a store.
 */
public abstract class EventStoreContract {
    protected static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    protected static final Instant RECEIVED = Instant.parse("2025-03-03T00:10:00.123Z");

    protected EventStore store;
    private final TestDevice device = new TestDevice("dev-1", "room-1");
    private final TestDevice otherRoomDevice = new TestDevice("dev-2", "room-2");

    /** Opens the store on this test's data: a second call opens the same data again (after a close). */
    protected abstract EventStore openStore();

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static StoredEvent stored(TestDevice d, SignedEvent e) {
        return new StoredEvent(e, d.roomId(), RECEIVED);
    }

    private List<StoredEvent> heartbeats(TestDevice d, Instant start, int n) {
        return d.heartbeats(start, n).stream().map(e -> stored(d, e)).toList();
    }

    @Test
    void appendStoresNewEventsAndSaysHowManyWereNew() {
        AppendResult result = store.append(heartbeats(device, T0, 5));

        assertThat(result).isEqualTo(new AppendResult(5, 0));
        assertThat(store.eventCount()).isEqualTo(5);
    }

    @Test
    void eventsOfOneKindAreTheRoomsEventsOfThatKindInTheRangeInOrder() {
        SignedEvent early = device.event(T0.plusSeconds(10), new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR));
        SignedEvent late = device.event(T0.plusSeconds(70), new EventBody.CheckIn(null, null));
        SignedEvent outside = device.event(T0.plusSeconds(200), new EventBody.CheckIn(Purpose.INDIVIDUAL, null));
        SignedEvent otherRoom = otherRoomDevice.event(T0.plusSeconds(20), new EventBody.CheckIn(null, Stage.SENIOR));
        store.append(heartbeats(device, T0, 3));
        store.append(List.of(stored(device, late), stored(device, early), stored(device, outside), stored(otherRoomDevice, otherRoom)));

        List<StoredEvent> checkins = store.eventsOfKindForRoom("room-1", cn.xinan.event.EventKind.CHECKIN, T0, T0.plusSeconds(200));
        assertThat(checkins).extracting(StoredEvent::signed).containsExactly(early, late);
        assertThat(store.eventsOfKindForRoom("room-1", cn.xinan.event.EventKind.HEARTBEAT, T0, T0.plusSeconds(200))).hasSize(3);
    }

    @Test
    void appendingTheSameEventsAgainChangesNothingAndCountsThemAsDuplicates() {
        List<StoredEvent> events = heartbeats(device, T0, 4);
        store.append(events);
        List<StoredEvent> before = store.eventsForRoom("room-1", T0, T0.plusSeconds(60));

        List<StoredEvent> redelivered = events.stream()
                .map(e -> new StoredEvent(e.signed(), e.roomId(), RECEIVED.plusSeconds(99))).toList();
        AppendResult again = store.append(redelivered);

        assertThat(again).isEqualTo(new AppendResult(0, 4));
        assertThat(store.eventCount()).isEqualTo(4);
        assertThat(store.eventsForRoom("room-1", T0, T0.plusSeconds(60))).isEqualTo(before);
    }

    @Test
    void anEventRepeatedWithinOneAppendIsStoredOnce() {
        StoredEvent e = stored(device, device.heartbeat(T0));
        StoredEvent f = stored(device, device.heartbeat(T0.plusSeconds(1)));

        AppendResult result = store.append(List.of(e, f, e));

        assertThat(result).isEqualTo(new AppendResult(2, 1));
        assertThat(store.eventCount()).isEqualTo(2);
    }

    @Test
    void aMixOfNewAndKnownEventsStoresOnlyTheNewOnes() {
        List<StoredEvent> first = heartbeats(device, T0, 3);
        store.append(first);
        List<StoredEvent> mixed = new ArrayList<>(first.subList(1, 3));
        mixed.addAll(heartbeats(device, T0.plusSeconds(10), 2));

        assertThat(store.append(mixed)).isEqualTo(new AppendResult(2, 2));
        assertThat(store.eventCount()).isEqualTo(5);
    }

    /**
     * A backlog-sized append: more events than one HTTP write takes (the InfluxDB adapter sends several at once)
     * and more rooms than one duplicate check covers. Every event is stored once, and an append of the same
     * events interleaved with new ones, in another order, counts exactly the known ones as duplicates.
     */
    @Test
    void aLargeAppendOverManyRoomsIsStoredWholeAndItsEventsAreKnownAfterwards() {
        List<StoredEvent> large = new ArrayList<>();
        List<StoredEvent> later = new ArrayList<>();
        for (int r = 0; r < 600; r++) {
            TestDevice d = new TestDevice("dev-big-" + r, "room-big-" + r);
            large.addAll(heartbeats(d, T0.plusMillis(r), 20));
            later.addAll(heartbeats(d, T0.plusSeconds(3_600).plusMillis(r), 2));
        }

        assertThat(store.append(large)).isEqualTo(new AppendResult(12_000, 0));
        assertThat(store.eventCount()).isEqualTo(12_000);

        List<StoredEvent> mixed = new ArrayList<>();
        for (int i = 0; i < later.size(); i++) {
            mixed.add(later.get(i));
            mixed.add(large.get(large.size() - 1 - 10 * i));
        }
        assertThat(store.append(mixed)).isEqualTo(new AppendResult(1_200, 1_200));
        assertThat(store.eventCount()).isEqualTo(13_200);
        assertThat(store.eventsForRoom("room-big-599", T0, T0.plusSeconds(7_200)))
                .extracting(StoredEvent::eventId)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(large.stream(), later.stream())
                        .filter(e -> e.roomId().equals("room-big-599")).map(StoredEvent::eventId).toList());
    }

    /** A re-imaged Pi starts its sequence numbers again: its new events are new, whatever their numbers. */
    @Test
    void aDeviceThatNumbersAgainFromOneStillHasItsNewEventsStored() {
        store.append(heartbeats(device, T0, 5));
        TestDevice reimaged = new TestDevice("dev-1", "room-1");
        List<StoredEvent> again = heartbeats(reimaged, T0.plusSeconds(3_600), 3);
        assertThat(again).extracting(e -> e.event().seq()).containsExactly(1L, 2L, 3L);

        assertThat(store.append(again)).isEqualTo(new AppendResult(3, 0));
        assertThat(store.append(again)).isEqualTo(new AppendResult(0, 3));
        assertThat(store.eventCount()).isEqualTo(8);
    }

    /** After a restart the store learns what is stored again: a redelivered backlog mixed with new events. */
    @Test
    void afterAReopenARedeliveredBacklogAndNewerEventsAreToldApart() {
        List<StoredEvent> first = heartbeats(device, T0, 10);
        store.append(first);
        store.close();
        store = openStore();

        List<StoredEvent> backlog = new ArrayList<>(first.subList(6, 10));
        backlog.addAll(heartbeats(device, T0.plusSeconds(600), 5));
        assertThat(store.append(backlog)).isEqualTo(new AppendResult(5, 4));
        assertThat(store.append(heartbeats(device, T0.plusSeconds(900), 2))).isEqualTo(new AppendResult(2, 0));
        assertThat(store.eventCount()).isEqualTo(17);
    }

    /**
     * Attribution: an event id counts once in the whole store. A device moved to another room (the registry says
     * so now) whose old event is delivered again must not have it stored a second time under the new room: the
     * old room keeps it, the new room gains nothing (a replay gave a room attended time that never happened).
     */
    @Test
    void anEventOfAMovedDeviceDeliveredAgainIsADuplicateAndStaysInItsOldRoom() {
        List<StoredEvent> inOldRoom = heartbeats(device, T0, 3);
        store.append(inOldRoom);
        List<StoredEvent> underNewRoom = inOldRoom.stream()
                .map(e -> new StoredEvent(e.signed(), "room-9", RECEIVED.plusSeconds(3_600))).toList();

        AppendResult again = store.append(underNewRoom);

        assertThat(again).isEqualTo(new AppendResult(0, 3));
        assertThat(store.eventCount()).isEqualTo(3);
        assertThat(store.eventsForRoom("room-9", T0.minusSeconds(60), T0.plusSeconds(3_600))).isEmpty();
        assertThat(store.eventsForRoom("room-1", T0.minusSeconds(60), T0.plusSeconds(3_600))).isEqualTo(inOldRoom);
    }

    /** The same after a reopen: the store remembers nothing in memory that the check depends on. */
    @Test
    void afterAReopenAMovedDevicesOldEventIsStillADuplicate() {
        List<StoredEvent> inOldRoom = heartbeats(device, T0, 2);
        store.append(inOldRoom);
        store.close();
        store = openStore();

        AppendResult again = store.append(List.of(new StoredEvent(inOldRoom.get(0).signed(), "room-9", RECEIVED)));

        assertThat(again).isEqualTo(new AppendResult(0, 1));
        assertThat(store.eventsForRoom("room-9", T0.minusSeconds(60), T0.plusSeconds(60))).isEmpty();
    }

    /**
     * A device time no store can hold (InfluxDB's nanosecond time ends in 2262; year 3000 wrapped round to 1830) is
     * refused as data, not as an outage, and nothing of that append is stored.
     */
    @Test
    void anEventTimeOutsideTheStorableRangeIsRefusedAndNothingIsStored() {
        StoredEvent fine = stored(device, device.heartbeat(T0));
        StoredEvent year3000 = stored(device, device.event(Instant.parse("3000-01-01T00:00:00Z"), false, new EventBody.Heartbeat()));
        StoredEvent farFuture = stored(device, device.event(Instant.parse("+1000000000-01-01T00:00:00Z"), false,
                new EventBody.Heartbeat()));
        StoredEvent before1970 = stored(device, device.event(Instant.parse("1969-12-31T23:59:59Z"), false,
                new EventBody.Heartbeat()));

        for (StoredEvent bad : List.of(year3000, farFuture, before1970)) {
            assertThatThrownBy(() -> store.append(List.of(fine, bad))).isInstanceOf(StoreRefusedException.class)
                    .hasMessageContaining(bad.eventId());
        }
        assertThat(store.eventCount()).isZero();
    }

    /** The quarantine is bounded: messages past the retention go first, then all but the newest N. */
    @Test
    void pruningTheQuarantineDeletesTheExpiredThenTheOldestBeyondTheBound() {
        List<QuarantinedMessage> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(QuarantinedMessage.of("x/events", null, QuarantineReason.MALFORMED, "n" + i, RECEIVED.plusSeconds(i * 60L),
                    new byte[]{(byte) i}));
        }
        store.quarantine(ten);

        assertThat(store.pruneQuarantine(RECEIVED.plusSeconds(2 * 60), 1_000)).isEqualTo(2);
        assertThat(store.pruneQuarantine(RECEIVED, 5)).isEqualTo(3);

        assertThat(store.recentQuarantine(100)).extracting(QuarantinedMessage::detail)
                .containsExactly("n9", "n8", "n7", "n6", "n5");
        assertThat(store.quarantineCounts()).containsEntry(QuarantineReason.MALFORMED, 5L);
        assertThat(store.pruneQuarantine(RECEIVED, 5)).isZero();
    }

    @Test
    void appendingNothingDoesNothing() {
        assertThat(store.append(List.of())).isEqualTo(AppendResult.NOTHING);
        assertThat(store.eventCount()).isZero();
    }

    @Test
    void storedEventsSurviveCloseAndReopen() {
        List<StoredEvent> events = heartbeats(device, T0, 3);
        store.append(events);
        store.quarantine(QuarantinedMessage.of("x/events", null, QuarantineReason.MALFORMED, "not JSON", RECEIVED,
                "garbage".getBytes(StandardCharsets.US_ASCII)));
        store.close();

        store = openStore();

        assertThat(store.eventCount()).isEqualTo(3);
        assertThat(store.eventsForRoom("room-1", T0, T0.plusSeconds(60))).isEqualTo(events);
        assertThat(store.quarantineCounts()).containsEntry(QuarantineReason.MALFORMED, 1L);
        assertThat(store.append(events)).isEqualTo(new AppendResult(0, 3));
    }

    @Test
    void everyKindOfEventReadsBackExactlyAsSignedWithItsSignatureAndReceiveTime() {
        List<SignedEvent> signed = List.of(
                device.event(T0, new EventBody.Boot("power_on", null)),
                device.event(T0.plusMillis(1), new EventBody.Boot("watchdog", Instant.parse("2025-03-02T23:59:00.250Z"))),
                device.event(T0.plusSeconds(1), new EventBody.Heartbeat()),
                device.event(T0.plusSeconds(2), new EventBody.StaffOpen("T01")),
                device.event(T0.plusSeconds(3), new EventBody.Presence(true)),
                device.event(T0.plusSeconds(4), new EventBody.Presence(false)),
                device.event(T0.plusSeconds(5), new EventBody.CheckIn(Purpose.SELF_HELP, Stage.JUNIOR)),
                device.event(T0.plusSeconds(6), new EventBody.CheckIn(null, null)),
                device.event(T0.plusSeconds(7), new EventBody.StaffClose("T01")));
        List<StoredEvent> events = signed.stream().map(e -> stored(device, e)).toList();
        store.append(events);

        List<StoredEvent> read = store.eventsForRoom("room-1", T0, T0.plusSeconds(60));

        assertThat(read).isEqualTo(events);
        assertThat(read).allSatisfy(e -> {
            assertThat(e.receivedAt()).isEqualTo(RECEIVED);
            assertThat(SignatureVerifier.verifyEvent(e.signed(), device.publicKey())).isTrue();
        });
    }

    @Test
    void anUnsynchronisedEventKeepsItsFlag() {
        StoredEvent unsynced = stored(device, device.event(Instant.parse("1970-01-01T00:00:05Z"), false,
                new EventBody.Heartbeat()));
        store.append(List.of(unsynced));

        assertThat(store.eventsForRoom("room-1", Instant.EPOCH, T0)).containsExactly(unsynced);
        assertThat(unsynced.event().clockSynced()).isFalse();
    }

    @Test
    void eventsOfOneDeviceInTheSameMillisecondAreAllKept() {
        List<StoredEvent> sameInstant = List.of(
                stored(device, device.event(T0, new EventBody.Presence(true))),
                stored(device, device.event(T0, new EventBody.Presence(false))),
                stored(device, device.event(T0, new EventBody.Presence(true))));

        assertThat(store.append(sameInstant)).isEqualTo(new AppendResult(3, 0));
        assertThat(store.eventsForRoom("room-1", T0, T0.plusMillis(1))).isEqualTo(sameInstant);
    }

    @Test
    void aRoomRangeIsHalfOpenByDeviceTimeAndHoldsOnlyThatRoomInOrder() {
        StoredEvent before = stored(device, device.heartbeat(T0.minusMillis(1)));
        StoredEvent atStart = stored(device, device.heartbeat(T0));
        StoredEvent inside = stored(device, device.heartbeat(T0.plusSeconds(30)));
        StoredEvent lastInside = stored(device, device.heartbeat(T0.plusSeconds(60).minusMillis(1)));
        StoredEvent atEnd = stored(device, device.heartbeat(T0.plusSeconds(60)));
        StoredEvent otherRoom = stored(otherRoomDevice, otherRoomDevice.heartbeat(T0.plusSeconds(30)));
        // appended out of order: a backlog arriving after live traffic
        store.append(List.of(lastInside, otherRoom, atEnd, inside));
        store.append(List.of(atStart, before));

        assertThat(store.eventsForRoom("room-1", T0, T0.plusSeconds(60))).containsExactly(atStart, inside, lastInside);
        assertThat(store.eventsForRoom("room-2", T0, T0.plusSeconds(60))).containsExactly(otherRoom);
        assertThat(store.eventsForRoom("room-3", T0, T0.plusSeconds(60))).isEmpty();
        assertThat(store.eventsForRoom("room-1", T0, T0)).isEmpty();
    }

    @Test
    void aLongRangeReadsEveryEventOnce() {
        List<StoredEvent> many = heartbeats(device, T0, 12_000);
        for (int i = 0; i < many.size(); i += 3_000) {
            store.append(many.subList(i, i + 3_000));
        }

        List<StoredEvent> read = store.eventsForRoom("room-1", T0, T0.plusSeconds(20_000));

        assertThat(read).hasSize(12_000);
        assertThat(read).isEqualTo(many);
    }

    @Test
    void aRangeThatEndsBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> store.eventsForRoom("room-1", T0, T0.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before its start");
    }

    @Test
    void quarantinedMessagesAreKeptApartNeverCountedAndListedNewestFirst() {
        store.append(heartbeats(device, T0, 2));
        QuarantinedMessage older = QuarantinedMessage.of("dev-1/events", "dev-1", QuarantineReason.BAD_SIGNATURE,
                "signature does not verify", RECEIVED, "{\"schema\":1}".getBytes(StandardCharsets.US_ASCII));
        QuarantinedMessage newer = QuarantinedMessage.of("x/events", null, QuarantineReason.MALFORMED,
                "malformed JSON", RECEIVED.plusSeconds(5), new byte[]{1, 2, 3});
        QuarantinedMessage newest = QuarantinedMessage.of("dev-7/events", "dev-7", QuarantineReason.UNKNOWN_DEVICE,
                "device dev-7 is not registered", RECEIVED.plusSeconds(9), "{}".getBytes(StandardCharsets.US_ASCII));
        store.quarantine(List.of(older, newer));
        store.quarantine(newest);

        assertThat(store.eventCount()).isEqualTo(2);
        assertThat(store.recentQuarantine(10)).containsExactly(newest, newer, older);
        assertThat(store.recentQuarantine(2)).containsExactly(newest, newer);
        assertThat(store.recentQuarantine(0)).isEmpty();
        assertThat(store.quarantineCounts()).containsOnly(
                org.assertj.core.api.Assertions.entry(QuarantineReason.BAD_SIGNATURE, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.MALFORMED, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.UNKNOWN_DEVICE, 1L));
    }

    @Test
    void aLargeQuarantinedPayloadIsTruncatedButItsSizeKept() {
        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) 'x');
        store.quarantine(QuarantinedMessage.of("dev-1/events", "dev-1", QuarantineReason.PAYLOAD_TOO_LARGE,
                "payload of 300000 bytes exceeds the limit", RECEIVED, big));

        QuarantinedMessage read = store.recentQuarantine(1).get(0);

        assertThat(read.payload()).hasSize(QuarantinedMessage.MAX_KEPT_PAYLOAD_BYTES);
        assertThat(read.payloadBytes()).isEqualTo(300_000);
        assertThat(read.truncated()).isTrue();
    }

    @Test
    void manyRejectsInTheSameMillisecondAreAllKept() {
        List<QuarantinedMessage> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(QuarantinedMessage.of("d" + i + "/events", null, QuarantineReason.MALFORMED, "bad " + i,
                    RECEIVED, new byte[]{(byte) i}));
        }
        store.quarantine(burst);

        assertThat(store.quarantineCounts()).containsEntry(QuarantineReason.MALFORMED, 200L);
        assertThat(store.recentQuarantine(500)).hasSize(200).containsExactlyInAnyOrderElementsOf(burst);
    }

    @Test
    void aHealthyStoreSaysSo() {
        store.checkHealth();
        assertThat(store.type()).isIn("sqlite", "influxdb");
    }

    @Test
    void storedSequenceNumbersOfADeviceAreListedOnceAscendingAboveAGivenOne() {
        List<SignedEvent> events = device.heartbeats(T0, 8); // seq 1..8
        List<StoredEvent> some = new ArrayList<>();
        for (SignedEvent e : events) {
            if (e.event().seq() != 3 && e.event().seq() != 6) {
                some.add(stored(device, e));
            }
        }
        store.append(some);
        store.append(List.of(some.get(0), some.get(4))); // redelivered
        store.append(heartbeats(otherRoomDevice, T0, 10));

        assertThat(store.sequenceNumbersAbove("dev-1", 0, 100)).containsExactly(1L, 2L, 4L, 5L, 7L, 8L);
        assertThat(store.sequenceNumbersAbove("dev-1", 2, 3)).containsExactly(4L, 5L, 7L);
        assertThat(store.sequenceNumbersAbove("dev-1", 8, 100)).isEmpty();
        assertThat(store.sequenceNumbersAbove("nobody", 0, 100)).isEmpty();
        assertThat(store.eventIdAt("dev-1", 4)).contains(events.get(3).event().eventId());
        assertThat(store.eventIdAt("dev-1", 3)).isEmpty();
        assertThat(store.eventIdAt("nobody", 1)).isEmpty();
    }

    /**
     * A verified event quarantined instead of stored (an implausible time, a store refusal) is handled: its seq counts
     * among the device's sequence numbers, so the acknowledgement passes it, and its id is the id under that seq; the
     * record is idempotent, counted per device, never an event, and pruning the quarantine list keeps it.
     */
    @Test
    void quarantinedSequenceNumbersCountAsHandledButNeverAsEvents() {
        List<SignedEvent> events = device.heartbeats(T0, 5); // seq 1..5
        store.append(List.of(stored(device, events.get(0)), stored(device, events.get(1)), stored(device, events.get(4))));
        QuarantinedSeq three = QuarantinedSeq.of(events.get(2).event(), QuarantineReason.IMPLAUSIBLE_TIME, RECEIVED);
        QuarantinedSeq four = QuarantinedSeq.of(events.get(3).event(), QuarantineReason.STORE_REFUSED, RECEIVED);
        store.quarantine(QuarantinedMessage.of("dev-1/events", "dev-1", QuarantineReason.IMPLAUSIBLE_TIME, "seq 3",
                RECEIVED, new byte[]{1}));
        store.quarantineSeqs(List.of(three));
        store.quarantineSeqs(List.of(three, four)); // a redelivery: recorded once
        store.quarantineSeqs(List.of());

        assertThat(store.sequenceNumbersAbove("dev-1", 0, 100)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(store.sequenceNumbersAbove("dev-1", 2, 2)).containsExactly(3L, 4L);
        assertThat(store.eventIdAt("dev-1", 3)).contains(events.get(2).event().eventId());
        assertThat(store.eventIdAt("dev-1", 5)).contains(events.get(4).event().eventId());
        assertThat(store.quarantinedSeqCounts()).containsExactly(java.util.Map.entry("dev-1", 2L));
        assertThat(store.sequenceNumbersAbove("dev-2", 0, 100)).isEmpty();
        assertThat(store.eventCount()).isEqualTo(3);

        assertThat(store.pruneQuarantine(RECEIVED.plusSeconds(3600), 0)).isEqualTo(1);
        store.close();
        store = openStore();
        assertThat(store.recentQuarantine(10)).isEmpty();
        assertThat(store.sequenceNumbersAbove("dev-1", 0, 100)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(store.quarantinedSeqCounts()).containsExactly(java.util.Map.entry("dev-1", 2L));
    }

    /** An event stored under a seq wins over a quarantined one under the same seq (a re-installed device numbering again). */
    @Test
    void aStoredEventsIdWinsOverAQuarantinedOneUnderTheSameSeq() {
        SignedEvent first = device.heartbeat(T0);
        TestDevice reinstalled = new TestDevice("dev-1", "room-1");
        SignedEvent again = reinstalled.heartbeat(T0.plusSeconds(60)); // seq 1 again, another id
        store.quarantineSeqs(List.of(QuarantinedSeq.of(first.event(), QuarantineReason.IMPLAUSIBLE_TIME, RECEIVED)));
        assertThat(store.eventIdAt("dev-1", 1)).contains(first.event().eventId());
        store.append(List.of(stored(reinstalled, again)));

        assertThat(store.eventIdAt("dev-1", 1)).contains(again.event().eventId());
        assertThat(store.sequenceNumbersAbove("dev-1", 0, 100)).containsExactly(1L);
    }

    // ---- derived results (DerivedStore) ----

    private static final java.time.LocalDate D1 = java.time.LocalDate.of(2025, 3, 4);

    private static Instant local(java.time.LocalDate day, int hour, int minute) {
        return day.atTime(hour, minute).atZone(cn.xinan.rules.RulesEngine.ZONE).toInstant();
    }

    private static cn.xinan.rules.DaySummary summary(java.time.LocalDate day, long openMs, cn.xinan.rules.CarriedState end) {
        return new cn.xinan.rules.DaySummary(day, openMs, openMs / 4, 3, true, 1, 40, 1_800, end);
    }

    /**
     * The summaries of many rooms at once, as few rooms (by name, several queries' worth on InfluxDB) and as many (more
     * than InfluxDB asks by name), equal each room's own; a room asked without summaries has no key.
     */
    @Test
    void theSummariesOfManyRoomsAreEachRoomsOwn() {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            String room = i == 7 ? ODD_ROOM : "room-" + i;
            rooms.add(room);
            store.writeSummaries(room, List.of(summary(D1, 1_000L * (i + 1), cn.xinan.rules.CarriedState.INITIAL),
                    summary(D1.plusDays(1 + i % 3), 60_000L + i, cn.xinan.rules.CarriedState.INITIAL)));
        }
        for (int asked : List.of(63, 230)) {
            List<String> some = new ArrayList<>(rooms.subList(0, asked));
            some.add("room-without-summaries");
            var read = store.summaries(some, D1, D1.plusDays(2));
            assertThat(read.keySet()).as("%d rooms", asked).containsExactlyInAnyOrderElementsOf(rooms.subList(0, asked));
            for (int i = 0; i < asked; i++) {
                String room = rooms.get(i);
                List<cn.xinan.rules.DaySummary> expected = new ArrayList<>(
                        List.of(summary(D1, 1_000L * (i + 1), cn.xinan.rules.CarriedState.INITIAL)));
                if (1 + i % 3 <= 2) {
                    expected.add(summary(D1.plusDays(1 + i % 3), 60_000L + i, cn.xinan.rules.CarriedState.INITIAL));
                }
                assertThat(read.get(room)).as(room).containsExactlyElementsOf(expected)
                        .isEqualTo(store.summaries(List.of(room), D1, D1.plusDays(2)).get(room));
            }
        }
    }

    @Test
    void summariesAreReplacedByRoomAndDayAndReadBackExactly() {
        var open = new cn.xinan.rules.CarriedState(true, local(D1, 22, 0).toEpochMilli(), false,
                local(D1, 23, 0).toEpochMilli(), local(D1, 23, 59).toEpochMilli());
        store.writeSummaries("room-1", List.of(summary(D1, 1_000, cn.xinan.rules.CarriedState.closed(true)),
                summary(D1.plusDays(1), 2_000, open)));
        store.writeSummaries("room-1", List.of(summary(D1, 7_000, cn.xinan.rules.CarriedState.INITIAL)));
        store.writeSummaries("room-2", List.of(summary(D1.plusDays(3), 5_000, cn.xinan.rules.CarriedState.INITIAL)));

        assertThat(store.summaries(List.of("room-1"), D1, D1.plusDays(6))).containsOnlyKeys("room-1");
        assertThat(store.summaries(List.of("room-1"), D1, D1.plusDays(6)).get("room-1")).containsExactly(
                summary(D1, 7_000, cn.xinan.rules.CarriedState.INITIAL), summary(D1.plusDays(1), 2_000, open));
        assertThat(store.summaries(List.of(), D1.plusDays(1), D1.plusDays(3))).containsOnlyKeys("room-1", "room-2");
        assertThat(store.lastSummaryOnOrBefore("room-1", D1.plusDays(5))).contains(summary(D1.plusDays(1), 2_000, open));
        assertThat(store.lastSummaryOnOrBefore("room-1", D1)).contains(summary(D1, 7_000, cn.xinan.rules.CarriedState.INITIAL));
        assertThat(store.lastSummaryOnOrBefore("room-1", D1.minusDays(1))).isEmpty();
        assertThat(store.lastSummaryDate("room-2")).contains(D1.plusDays(3));
        assertThat(store.lastSummaryDate("room-9")).isEmpty();
    }

    @Test
    void anAppendMarksTheLocalDaysOfItsNewEventsAndAClearKeepsAMarkMadeSince() {
        store.append(List.of(stored(device, device.heartbeat(local(D1, 23, 59))),
                stored(device, device.heartbeat(local(D1.plusDays(1), 0, 1))),
                stored(otherRoomDevice, otherRoomDevice.heartbeat(local(D1, 12, 0)))));

        var marked = store.dirtyDays(List.of("room-1"));
        assertThat(marked).extracting(DerivedStore.DirtyDay::day).containsExactlyInAnyOrder(
                new DerivedStore.RoomDay("room-1", D1), new DerivedStore.RoomDay("room-1", D1.plusDays(1)));
        assertThat(store.dirtyDays(List.of())).hasSize(3);

        store.append(List.of(stored(device, device.heartbeat(local(D1, 8, 0))))); // D1 marked again
        store.clearDirty(marked);

        assertThat(store.dirtyDays(List.of("room-1"))).extracting(DerivedStore.DirtyDay::day)
                .containsExactly(new DerivedStore.RoomDay("room-1", D1));
    }

    @Test
    void eventsAreCountedPerRoomAndLocalDay() {
        List<StoredEvent> events = new ArrayList<>(heartbeats(device, local(D1, 23, 59).plusSeconds(55), 10));
        events.add(stored(otherRoomDevice, otherRoomDevice.heartbeat(local(D1, 0, 0))));
        store.append(events);

        assertThat(store.eventCountsByDay(D1, D1.plusDays(1))).containsOnly(
                org.assertj.core.api.Assertions.entry(new DerivedStore.RoomDay("room-1", D1), 5L),
                org.assertj.core.api.Assertions.entry(new DerivedStore.RoomDay("room-1", D1.plusDays(1)), 5L),
                org.assertj.core.api.Assertions.entry(new DerivedStore.RoomDay("room-2", D1), 1L));
        assertThat(store.eventCount("room-1", local(D1, 0, 0), local(D1.plusDays(1), 0, 0))).isEqualTo(5);
        assertThat(store.hasEventsFrom("room-1", local(D1.plusDays(1), 0, 0))).isTrue();
        assertThat(store.hasEventsFrom("room-1", local(D1.plusDays(1), 0, 1))).isFalse();
    }

    @Test
    void aLateEventAfterMidnightRecomputesTheDayBeforeWhenItEndsAStretchThatCrossesMidnight() {
        var derived = new cn.xinan.collector.verdict.DerivedResults(store, cn.xinan.rules.RuleSettings.defaults());
        store.append(List.of(stored(device, device.event(local(D1, 22, 0), new EventBody.StaffOpen("T01"))),
                stored(device, device.event(local(D1, 22, 0), new EventBody.Presence(true))),
                stored(device, device.event(local(D1, 23, 45), new EventBody.Presence(false))),
                stored(device, device.event(local(D1, 23, 59), new EventBody.Heartbeat())),
                stored(device, device.event(local(D1.plusDays(1), 1, 0), new EventBody.StaffClose("T01")))));
        derived.refresh(List.of());
        // 23:45 → 01:00 without evidence: 75 min, 15 of them on the first day
        assertThat(store.lastSummaryOnOrBefore("room-1", D1).orElseThrow().unattendedMillis()).isEqualTo(15 * 60_000L);

        // a late check-in at 00:10 leaves 25 min before it (no stretch) and 50 min after it
        store.append(List.of(stored(device, device.event(local(D1.plusDays(1), 0, 10),
                new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR)))));
        assertThat(store.dirtyDays(List.of())).extracting(DerivedStore.DirtyDay::day)
                .containsExactly(new DerivedStore.RoomDay("room-1", D1.plusDays(1)));
        derived.refresh(List.of());

        assertThat(store.dirtyDays(List.of())).isEmpty();
        assertThat(store.lastSummaryOnOrBefore("room-1", D1).orElseThrow().unattendedMillis()).isZero();
        assertThat(store.lastSummaryOnOrBefore("room-1", D1.plusDays(1)).orElseThrow().unattendedMillis())
                .isEqualTo(50 * 60_000L);
    }

    @Test
    void aRoomsEventsSplitIntoHeartbeatsAndTheOthersEachInOrder() {
        store.append(List.of(stored(device, device.heartbeat(local(D1, 8, 1))),
                stored(device, device.event(local(D1, 8, 0), new EventBody.StaffOpen("T01"))),
                stored(device, device.heartbeat(local(D1, 7, 59))),
                stored(device, device.event(local(D1, 9, 0), new EventBody.Boot("power_on", null))),
                stored(otherRoomDevice, otherRoomDevice.heartbeat(local(D1, 8, 30)))));
        Instant from = local(D1, 0, 0);
        Instant to = local(D1.plusDays(1), 0, 0);

        assertThat(store.heartbeats("room-1", from, to)).extracting(e -> e.event().at())
                .containsExactly(local(D1, 7, 59), local(D1, 8, 1));
        assertThat(store.eventsBesideHeartbeats("room-1", from, to)).extracting(e -> e.event().kind().wireName())
                .containsExactly("staff_open", "boot");
        assertThat(store.eventsBesideHeartbeats("room-1", from, local(D1, 9, 0))).hasSize(1);
    }

    @Test
    void aRoomsSequenceNumbersReadAsRunsPerDevice() {
        store.append(List.of(stored(device, device.heartbeat(local(D1, 8, 0))),
                stored(device, device.heartbeat(local(D1, 8, 1))),
                stored(device, device.event(local(D1, 8, 2), new EventBody.StaffOpen("T01")))));
        device.heartbeat(local(D1, 8, 3)); // seq 4, never stored
        SignedEvent fifth = device.heartbeat(local(D1, 8, 4));
        store.append(List.of(stored(device, fifth), stored(device, fifth),
                stored(device, device.heartbeat(local(D1.plusDays(1), 8, 0))),
                stored(otherRoomDevice, otherRoomDevice.heartbeat(local(D1, 8, 30)))));

        assertThat(store.sequenceRuns("room-1", local(D1, 0, 0), local(D1.plusDays(1), 0, 0))).containsExactly(
                new DerivedStore.SeqRun("dev-1", 1, 3), new DerivedStore.SeqRun("dev-1", 5, 5));
        assertThat(store.sequenceRuns("room-1", local(D1, 0, 0), local(D1.plusDays(2), 0, 0)))
                .containsExactly(new DerivedStore.SeqRun("dev-1", 1, 3), new DerivedStore.SeqRun("dev-1", 5, 6));
        assertThat(store.sequenceRuns("room-3", local(D1, 0, 0), local(D1.plusDays(2), 0, 0))).isEmpty();
    }

    @Test
    void eventsReceivedLongAfterTheirLocalDayAreSelected() {
        Instant deadline = local(D1.plusDays(1), 1, 0); // one hour after the end of D1
        SignedEvent late = device.heartbeat(local(D1, 23, 30));
        store.append(List.of(new StoredEvent(device.heartbeat(local(D1, 10, 0)), "room-1", deadline),
                new StoredEvent(device.heartbeat(local(D1, 11, 0)), "room-1", deadline.plusMillis(1)),
                new StoredEvent(late, "room-1", deadline.plusSeconds(3601)),
                new StoredEvent(device.heartbeat(local(D1.plusDays(1), 0, 30)), "room-1", deadline.plusSeconds(3600)),
                new StoredEvent(otherRoomDevice.heartbeat(local(D1, 10, 0)), "room-2", deadline.plusSeconds(3600))));

        assertThat(store.eventsReceivedAfterTheirDay("room-1", local(D1, 0, 0), local(D1.plusDays(2), 0, 0),
                java.time.Duration.ofHours(1))).extracting(e -> e.event().at())
                .containsExactly(local(D1, 11, 0), local(D1, 23, 30));
        assertThat(store.eventsReceivedAfterTheirDay("room-1", local(D1, 0, 0), local(D1.plusDays(2), 0, 0),
                java.time.Duration.ofHours(2))).extracting(StoredEvent::eventId).containsExactly(late.event().eventId());
    }

    @Test
    void aliveDaysAreReplacedByRoomAndDayAndSurviveAReopen() {
        long t = local(D1, 8, 0).toEpochMilli();
        AliveDay spans = new AliveDay(D1, 5, 1, List.of(new AliveDay.Span(t, t + 120_000, 3),
                new AliveDay.Span(t + 600_000, t + 600_000, 1)));
        store.writeAliveDays("room-1", List.of(AliveDay.none(D1), AliveDay.none(D1.plusDays(1))));
        store.writeAliveDays("room-1", List.of(spans));
        store.writeAliveDays("room-2", List.of(AliveDay.none(D1.plusDays(2))));
        store.close();
        store = openStore();

        assertThat(store.aliveDays("room-1", D1, D1.plusDays(6))).containsExactly(
                org.assertj.core.api.Assertions.entry(D1, spans),
                org.assertj.core.api.Assertions.entry(D1.plusDays(1), AliveDay.none(D1.plusDays(1))));
        assertThat(store.aliveDays("room-1", D1.plusDays(1), D1.plusDays(1))).containsOnlyKeys(D1.plusDays(1));
    }

    @Test
    void marksSurviveAReopenAndOnlyTheVersionReadIsCleared() {
        store.append(List.of(stored(device, device.heartbeat(local(D1, 10, 0))),
                stored(device, device.heartbeat(local(D1.plusDays(40), 10, 0)))));
        var marked = store.dirtyDays(List.of());
        store.close(); // stopped before deriving
        store = openStore();

        assertThat(store.dirtyDays(List.of())).extracting(DerivedStore.DirtyDay::day).containsExactlyInAnyOrder(
                new DerivedStore.RoomDay("room-1", D1), new DerivedStore.RoomDay("room-1", D1.plusDays(40)));
        store.markDirty(List.of(new DerivedStore.RoomDay("room-1", D1))); // marked again before the clear
        store.clearDirty(marked);
        store.close();
        store = openStore();

        assertThat(store.dirtyDays(List.of())).extracting(DerivedStore.DirtyDay::day)
                .containsExactly(new DerivedStore.RoomDay("room-1", D1));
        store.clearDirty(store.dirtyDays(List.of()));
        store.close();
        store = openStore();
        assertThat(store.dirtyDays(List.of())).isEmpty();
    }

    @Test
    void summariesOfAnotherGapAreFoundAndTheSettingsFingerprintIsKept() {
        store.writeSummaries("room-1", List.of(summary(D1, 1_000, cn.xinan.rules.CarriedState.INITIAL)));
        store.writeSummaries("room-2", List.of(new cn.xinan.rules.DaySummary(D1.plusDays(1), 0, 0, 0, false, 0, 0, 600,
                cn.xinan.rules.CarriedState.INITIAL)));
        assertThat(store.derivedFingerprint()).isEmpty();
        store.writeDerivedFingerprint("gap=600");
        store.writeDerivedFingerprint("gap=1800");

        assertThat(store.summariesWithOtherGap(1_800)).containsExactly(new DerivedStore.RoomDay("room-2", D1.plusDays(1)));
        assertThat(store.summariesWithOtherGap(600)).containsExactly(new DerivedStore.RoomDay("room-1", D1));
        assertThat(store.derivedFingerprint()).contains("gap=1800");
    }

    // ---- the reads over several rooms (an audit's scope) ----

    /** More rooms than the InfluxDB store asks for in one query, so the rooms are read in several groups. */
    private static final int MANY_ROOMS = 62;
    /** A room whose name needs escaping in a query and in a tag: quote, backslash, space, comma, equals sign. */
    private static final String ODD_ROOM = "it's room \\ 7, a=b";

    /**
     * Each room of {@link #MANY_ROOMS} plus {@link #ODD_ROOM}: on D1 heartbeats numbered 1 to 3, number 4 never stored,
     * a staff_open (5) received late in the even rooms, on D1 + 1 a heartbeat (6) and in every fourth room from the
     * fourth a staff_close of an unsynchronised clock (7); derived; then on D1 + 2 (marked, not derived) a heartbeat in
     * every third room. Returns the rooms, the odd one last.
     */
    private List<String> manyRoomsDerivedInPart() {
        List<String> rooms = new ArrayList<>();
        for (int r = 0; r < MANY_ROOMS; r++) {
            rooms.add("room-many-" + r);
        }
        rooms.add(ODD_ROOM);
        List<StoredEvent> first = new ArrayList<>();
        List<StoredEvent> later = new ArrayList<>();
        for (int r = 0; r < rooms.size(); r++) {
            String room = rooms.get(r);
            TestDevice d = new TestDevice("dev-many-" + r, room);
            for (int m = 0; m < 3; m++) {
                first.add(new StoredEvent(d.heartbeat(local(D1, 8, m)), room, RECEIVED));
            }
            d.heartbeat(local(D1, 8, 3)); // never stored
            first.add(new StoredEvent(d.event(local(D1, 8, 5), new EventBody.StaffOpen("T01")), room,
                    r % 2 == 0 ? local(D1.plusDays(3), 9, 0) : local(D1, 8, 6)));
            first.add(new StoredEvent(d.heartbeat(local(D1.plusDays(1), 9, 0)), room, local(D1.plusDays(1), 9, 1)));
            if (r % 4 == 3) {
                first.add(new StoredEvent(d.event(local(D1.plusDays(1), 9, 30), false, new EventBody.StaffClose("T01")),
                        room, local(D1.plusDays(1), 9, 31)));
            }
            if (r % 3 == 0) {
                later.add(new StoredEvent(d.heartbeat(local(D1.plusDays(2), 10, 0)), room, local(D1.plusDays(2), 10, 1)));
            }
        }
        store.append(first);
        new cn.xinan.collector.verdict.DerivedResults(store, cn.xinan.rules.RuleSettings.defaults()).refresh(List.of());
        store.append(later);
        return rooms;
    }

    /**
     * The reads over several rooms answer for each room what the read of that room alone answers (every room asked for a
     * key, in the order asked, each once; a room without rows an empty answer), over whole and partial days, derived and
     * marked ones, with a room name that needs escaping; and those answers are the events stored.
     */
    @Test
    void theReadsOverSeveralRoomsAnswerAsEachRoomAlone() {
        List<String> rooms = manyRoomsDerivedInPart();
        List<String> asked = new ArrayList<>(rooms);
        java.util.Collections.reverse(asked);
        asked.add(2, "room-without-events");
        asked.add(rooms.get(5)); // asked twice: answered once
        List<String> keys = new ArrayList<>(new java.util.LinkedHashSet<>(asked));
        java.time.LocalDate dayBefore = D1.minusDays(1);
        java.time.LocalDate lastDay = D1.plusDays(3);
        var alive = store.aliveDays(asked, dayBefore, lastDay);
        assertThat(alive.keySet()).containsExactlyElementsOf(keys);
        for (String room : keys) {
            assertThat(alive.get(room)).as("alive days of %s", room).isEqualTo(store.aliveDays(room, dayBefore, lastDay));
        }
        assertThat(alive.get(ODD_ROOM)).containsKey(D1);
        assertThat(alive.get(ODD_ROOM).get(D1).heartbeats()).isEqualTo(3);
        assertThat(alive.get("room-without-events")).isEmpty();

        var records = store.seqDays(asked, dayBefore, lastDay);
        var marks = store.markedDays(asked, dayBefore, lastDay);
        assertThat(records.keySet()).containsExactlyElementsOf(keys);
        assertThat(marks.keySet()).containsExactlyElementsOf(keys);
        for (String room : keys) {
            assertThat(records.get(room)).as("sequence records of %s", room)
                    .isEqualTo(store.seqDays(room, dayBefore, lastDay));
            assertThat(marks.get(room)).as("marked days of %s", room).isEqualTo(store.markedDays(room, dayBefore, lastDay));
        }
        assertThat(records.values()).as("some rooms derived").anyMatch(r -> !r.isEmpty());
        assertThat(marks.values()).as("some rooms marked").anyMatch(m -> !m.isEmpty());
        assertThat(records.get("room-without-events")).isEmpty();
        assertThat(marks.get("room-without-events")).isEmpty();

        for (Instant[] r : List.of(new Instant[]{local(D1, 0, 0), local(D1.plusDays(4), 0, 0)},
                new Instant[]{local(D1, 8, 1), local(D1.plusDays(2), 12, 0)})) {
            var beside = store.eventsBesideHeartbeats(asked, r[0], r[1]);
            var heartbeats = store.heartbeats(asked, r[0], r[1]);
            var runs = store.sequenceRuns(asked, r[0], r[1]);
            var synced = store.syncedTimesBesideHeartbeats(asked, r[0], r[1]);
            assertThat(synced.keySet()).containsExactlyElementsOf(keys);
            assertThat(beside.keySet()).containsExactlyElementsOf(keys);
            assertThat(heartbeats.keySet()).containsExactlyElementsOf(keys);
            assertThat(runs.keySet()).containsExactlyElementsOf(keys);
            for (String room : keys) {
                assertThat(beside.get(room)).as("events beside heartbeats of %s", room)
                        .isEqualTo(store.eventsBesideHeartbeats(room, r[0], r[1]));
                assertThat(heartbeats.get(room)).as("heartbeats of %s", room).isEqualTo(store.heartbeats(room, r[0], r[1]));
                assertThat(runs.get(room)).as("runs of %s", room).isEqualTo(store.sequenceRuns(room, r[0], r[1]));
                assertThat(synced.get(room)).as("synchronised times beside heartbeats of %s", room).containsExactly(
                        store.eventsBesideHeartbeats(room, r[0], r[1]).stream().filter(e -> e.event().clockSynced())
                                .mapToLong(e -> e.event().at().toEpochMilli()).toArray());
            }
            for (java.time.Duration after : List.of(java.time.Duration.ofHours(1), java.time.Duration.ofHours(60))) {
                var late = store.eventsReceivedAfterTheirDay(asked, r[0], r[1], after);
                assertThat(late.keySet()).containsExactlyElementsOf(keys);
                for (String room : keys) {
                    assertThat(late.get(room)).as("late by %s in %s", after, room)
                            .isEqualTo(store.eventsReceivedAfterTheirDay(room, r[0], r[1], after));
                }
            }
            assertThat(beside.get("room-without-events")).isEmpty();
            assertThat(heartbeats.get("room-without-events")).isEmpty();
            assertThat(runs.get("room-without-events")).isEmpty();
        }

        // what the answers are: room-many-0 (even, every third), room-many-1 (neither), the odd room (the 63rd: even)
        Instant from = local(D1, 0, 0);
        Instant to = local(D1.plusDays(4), 0, 0);
        var runs = store.sequenceRuns(asked, from, to);
        assertThat(runs.get("room-many-0")).containsExactly(new DerivedStore.SeqRun("dev-many-0", 1, 3),
                new DerivedStore.SeqRun("dev-many-0", 5, 7));
        assertThat(runs.get("room-many-1")).containsExactly(new DerivedStore.SeqRun("dev-many-1", 1, 3),
                new DerivedStore.SeqRun("dev-many-1", 5, 6));
        String oddDevice = "dev-many-" + MANY_ROOMS;
        assertThat(runs.get(ODD_ROOM)).containsExactly(new DerivedStore.SeqRun(oddDevice, 1, 3),
                new DerivedStore.SeqRun(oddDevice, 5, 6));
        var late = store.eventsReceivedAfterTheirDay(asked, from, to, java.time.Duration.ofHours(1));
        assertThat(late.get("room-many-0")).extracting(e -> e.event().at()).containsExactly(local(D1, 8, 5));
        assertThat(late.get("room-many-1")).isEmpty();
        assertThat(late.get(ODD_ROOM)).extracting(StoredEvent::roomId).containsExactly(ODD_ROOM);
        var beside = store.eventsBesideHeartbeats(asked, from, to);
        assertThat(beside.get(ODD_ROOM)).extracting(e -> e.event().kind().wireName()).containsExactly("staff_open");
        assertThat(beside.get(ODD_ROOM)).extracting(StoredEvent::roomId).containsExactly(ODD_ROOM);
        assertThat(beside.get("room-many-3")).extracting(e -> e.event().kind().wireName())
                .containsExactly("staff_open", "staff_close");
        var synced = store.syncedTimesBesideHeartbeats(asked, from, to);
        assertThat(synced.get("room-many-3")).containsExactly(local(D1, 8, 5).toEpochMilli());
        assertThat(synced.get(ODD_ROOM)).containsExactly(local(D1, 8, 5).toEpochMilli());
        assertThat(synced.get("room-without-events")).isEmpty();
        var heartbeats = store.heartbeats(asked, from, to);
        assertThat(heartbeats.get(ODD_ROOM)).extracting(e -> e.event().at()).containsExactly(local(D1, 8, 0),
                local(D1, 8, 1), local(D1, 8, 2), local(D1.plusDays(1), 9, 0));
        assertThat(heartbeats.get("room-many-0")).hasSize(5);
        assertThat(store.sequenceRuns(List.of(), from, to)).isEmpty();
        assertThat(store.heartbeats(List.of(), from, to)).isEmpty();
    }

    /** A room with more events than one page of a read over several rooms still has every event read, once, in order. */
    @Test
    void aLongRangeOverSeveralRoomsReadsEveryEventOnce() {
        List<StoredEvent> many = heartbeats(device, T0, 12_000);
        for (int i = 0; i < many.size(); i += 3_000) {
            store.append(many.subList(i, i + 3_000));
        }
        List<StoredEvent> other = heartbeats(otherRoomDevice, T0, 3);
        store.append(other);

        var read = store.heartbeats(List.of("room-2", "room-1", "room-3"), T0, T0.plusSeconds(20_000));

        assertThat(read.keySet()).containsExactly("room-2", "room-1", "room-3");
        assertThat(read.get("room-1")).isEqualTo(many);
        assertThat(read.get("room-2")).isEqualTo(other);
        assertThat(read.get("room-3")).isEmpty();
    }

    // ---- the sequence-number records (SeqDay) against the raw events ----

    /**
     * Turns this test's data into a store written before the sequence-number records existed: closes {@link #store},
     * removes every record and the store's note that the room-days were marked for them; the test opens it again.
     */
    protected abstract void forgetSequenceRecords();

    /**
     * Two replicas on one store, four days of three devices (one in another room) with numbers never delivered, late
     * receipts and events other than heartbeats, delivered shuffled in batches that repeat earlier events with later
     * receive times, each replica deriving now and then: at every step the runs and the late events read through the
     * records equal what the raw events give, and once everything is derived the records are what is read.
     */
    @Test
    void theSequenceRecordsAnswerAsTheRawEventsDoUnderLateShuffledAndDuplicatedDeliveryToTwoReplicas() {
        java.util.Random random = new java.util.Random(20_251_202L);
        TestDevice second = new TestDevice("dev-3", "room-1");
        List<StoredEvent> all = new ArrayList<>();
        for (int day = 0; day < 4; day++) {
            for (TestDevice d : List.of(device, second, otherRoomDevice)) {
                for (int i = 0; i < 30; i++) {
                    Instant at = local(D1.plusDays(day), 0, 0).plusSeconds(i * 2_870L + random.nextInt(60));
                    SignedEvent e = random.nextInt(8) == 0 ? d.event(at, new EventBody.StaffOpen("T01")) : d.heartbeat(at);
                    if (random.nextInt(7) == 0) {
                        continue; // never delivered: a gap in the device's numbers
                    }
                    Instant received = random.nextInt(5) == 0 ? at.plusSeconds(3_600L * (20 + random.nextInt(60)))
                            : at.plusSeconds(30);
                    all.add(new StoredEvent(e, d.roomId(), received));
                }
            }
        }
        java.util.Collections.shuffle(all, random);
        EventStore replica = openStore();
        try {
            var derivedHere = new cn.xinan.collector.verdict.DerivedResults(store, cn.xinan.rules.RuleSettings.defaults());
            var derivedThere = new cn.xinan.collector.verdict.DerivedResults(replica, cn.xinan.rules.RuleSettings.defaults());
            List<StoredEvent> delivered = new ArrayList<>();
            int next = 0;
            int step = 0;
            while (next < all.size()) {
                List<StoredEvent> batch = new ArrayList<>(all.subList(next, Math.min(all.size(), next + 1 + random.nextInt(30))));
                next += batch.size();
                for (int i = 0; i < 3 && !delivered.isEmpty(); i++) { // redelivered, received again later
                    StoredEvent again = delivered.get(random.nextInt(delivered.size()));
                    batch.add(new StoredEvent(again.signed(), again.roomId(), again.receivedAt().plusSeconds(90_000)));
                }
                delivered.addAll(batch);
                (step % 2 == 0 ? store : replica).append(batch);
                if (random.nextInt(3) == 0) {
                    (step % 2 == 0 ? derivedHere : derivedThere).refresh(List.of());
                }
                step++;
                assertRecordsAnswerAsTheRawEvents(step % 2 == 0 ? store : replica);
            }
            replica.reloadMarks();
            derivedThere.refresh(List.of());
            store.reloadMarks();
            derivedHere.refresh(List.of());

            assertThat(store.dirtyDays(List.of())).isEmpty();
            assertThat(store.seqDays("room-1", D1.minusDays(1), D1.plusDays(5)))
                    .isEqualTo(SeqDay.of(store.eventsForRoom("room-1", local(D1, 0, 0), local(D1.plusDays(4), 0, 0))));
            assertRecordsAnswerAsTheRawEvents(store);
            assertRecordsAnswerAsTheRawEvents(replica);
        } finally {
            replica.close();
        }
    }

    @Test
    void aStoreWrittenBeforeTheSequenceRecordsExistedBuildsThemOnceFromItsRawEvents() {
        var settings = cn.xinan.rules.RuleSettings.defaults();
        store.append(List.of(stored(device, device.heartbeat(local(D1, 9, 0))),
                stored(device, device.heartbeat(local(D1, 9, 1))),
                new StoredEvent(device.heartbeat(local(D1.plusDays(1), 23, 0)), "room-1", local(D1.plusDays(3), 8, 0)),
                stored(otherRoomDevice, otherRoomDevice.heartbeat(local(D1, 9, 0)))));
        device.heartbeat(local(D1.plusDays(1), 23, 1)); // never stored
        store.append(List.of(stored(device, device.heartbeat(local(D1.plusDays(1), 23, 2)))));
        new cn.xinan.collector.verdict.DerivedResults(store, settings).refresh(List.of());
        assertThat(store.dirtyDays(List.of())).isEmpty();
        forgetSequenceRecords();
        store = openStore();

        assertThat(store.dirtyDays(List.of())).extracting(DerivedStore.DirtyDay::day).containsExactlyInAnyOrder(
                new DerivedStore.RoomDay("room-1", D1), new DerivedStore.RoomDay("room-1", D1.plusDays(1)),
                new DerivedStore.RoomDay("room-2", D1));
        assertThat(store.seqDays("room-1", D1, D1.plusDays(1))).isEmpty();
        assertRecordsAnswerAsTheRawEvents(store); // from the raw events until derived
        new cn.xinan.collector.verdict.DerivedResults(store, settings).refresh(List.of());
        store.close();
        store = openStore(); // opened again: the note is kept, nothing is marked again

        assertThat(store.dirtyDays(List.of())).isEmpty();
        assertThat(store.seqDays("room-1", D1, D1.plusDays(1))).containsExactly(
                new SeqDay("dev-1", D1, List.of(new SeqDay.Run(1, 2)), 2, RECEIVED.toEpochMilli()),
                new SeqDay("dev-1", D1.plusDays(1), List.of(new SeqDay.Run(3, 3), new SeqDay.Run(5, 5)), 2,
                        local(D1.plusDays(3), 8, 0).toEpochMilli()));
        assertRecordsAnswerAsTheRawEvents(store);
    }

    /** The runs and the late events of room-1 over whole and partial days, against the raw events of {@code s}. */
    private static void assertRecordsAnswerAsTheRawEvents(EventStore s) {
        List<Instant[]> ranges = List.of(new Instant[]{local(D1, 0, 0), local(D1.plusDays(4), 0, 0)},
                new Instant[]{local(D1, 6, 30), local(D1.plusDays(2), 12, 0)},
                new Instant[]{local(D1.plusDays(1), 0, 0), local(D1.plusDays(2), 0, 0)},
                new Instant[]{local(D1, 3, 0), local(D1, 20, 0)});
        for (Instant[] r : ranges) {
            List<StoredEvent> raw = s.eventsForRoom("room-1", r[0], r[1]);
            assertThat(s.sequenceRuns("room-1", r[0], r[1])).as("runs from %s to %s", r[0], r[1])
                    .isEqualTo(runsOf(raw));
            for (java.time.Duration after : List.of(java.time.Duration.ofHours(1), java.time.Duration.ofHours(30))) {
                List<String> late = new ArrayList<>();
                for (StoredEvent e : raw) {
                    Instant dayEnd = local(java.time.LocalDate.ofInstant(e.event().at(), cn.xinan.rules.RulesEngine.ZONE)
                            .plusDays(1), 0, 0);
                    if (e.receivedAt().isAfter(dayEnd.plus(after))) {
                        late.add(e.eventId());
                    }
                }
                assertThat(s.eventsReceivedAfterTheirDay("room-1", r[0], r[1], after)).extracting(StoredEvent::eventId)
                        .as("late by %s from %s to %s", after, r[0], r[1]).isEqualTo(late);
            }
        }
    }

    private static List<DerivedStore.SeqRun> runsOf(List<StoredEvent> events) {
        java.util.TreeMap<String, java.util.TreeSet<Long>> seqs = new java.util.TreeMap<>();
        for (StoredEvent e : events) {
            seqs.computeIfAbsent(e.event().deviceId(), d -> new java.util.TreeSet<>()).add(e.event().seq());
        }
        List<DerivedStore.SeqRun> out = new ArrayList<>();
        seqs.forEach((device, numbers) -> {
            long first = numbers.first();
            long last = first;
            for (long n : numbers.tailSet(first, false)) {
                if (n != last + 1) {
                    out.add(new DerivedStore.SeqRun(device, first, last));
                    first = n;
                }
                last = n;
            }
            out.add(new DerivedStore.SeqRun(device, first, last));
        });
        return out;
    }
}
