package cn.xinan.collector.ingest;

import cn.xinan.collector.store.AppendResult;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoreRefusedException;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack suite of issue 7 against the real pipeline and the real SQLite store: each hostile input gets its
 * documented outcome (docs/collector.md, "What ingest does with bad input"), every message is acknowledged, and the
 * valid messages around it are stored.
 */
class IngestAttackTest {
    private static final Instant NOW = Instant.parse("2025-03-03T02:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final TestDevice dev1 = new TestDevice("dev-1", "room-1");
    private final TestDevice dev2 = new TestDevice("dev-2", "room-2");
    private final Registry registry = new Registry(List.of(room("room-1"), room("room-2")), List.of(dev1.record(), dev2.record()));
    private EventStore store;
    private IngestCounters counters;
    private IngestPipeline pipeline;
    private final AtomicInteger acked = new AtomicInteger();
    private int submitted;

    private static RoomRecord room(String id) {
        return new RoomRecord("东宝区", "jm-db-001", id, Tier.QUALIFIED, "心理辅导室 " + id);
    }

    @BeforeEach
    void start() {
        store = SqliteEventStore.open(dir.resolve("events.db"));
        startPipeline(registry, store);
    }

    private void startPipeline(Registry r, EventStore s) {
        counters = new IngestCounters();
        pipeline = new IngestPipeline(s, r, IngestSettings.defaults(), counters, new DeviceStatusBoard(r));
    }

    @AfterEach
    void stop() {
        pipeline.close();
        store.close();
    }

    private void submit(String topic, byte[] payload) {
        submitted++;
        pipeline.submit(new InboundMessage(topic, payload, NOW, acked::incrementAndGet));
    }

    private void awaitAllAcknowledged() throws InterruptedException {
        assertThat(pipeline.awaitProgress(() -> acked.get() == submitted, PATIENCE))
                .as("every message acknowledged (%d of %d)", acked.get(), submitted).isTrue();
    }

    private Set<String> storedIds() {
        return java.util.stream.Stream.of("room-1", "room-2", "room-9")
                .flatMap(r -> store.eventsForRoom(r, Instant.EPOCH, Instant.parse("2099-01-01T00:00:00Z")).stream())
                .map(StoredEvent::eventId).collect(Collectors.toSet());
    }

    private static Set<String> ids(List<SignedEvent> events) {
        return events.stream().map(e -> e.event().eventId()).collect(Collectors.toSet());
    }

    private static byte[] replaceOnce(byte[] payload, String from, String to) {
        String s = new String(payload, StandardCharsets.UTF_8);
        assertThat(s).contains(from);
        return s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
                .getBytes(StandardCharsets.UTF_8);
    }

    private QuarantinedMessage onlyQuarantined() {
        List<QuarantinedMessage> q = store.recentQuarantine(10);
        assertThat(q).hasSize(1);
        return q.get(0);
    }

    /**
     * The ArithmeticException of the issue: an unsynchronised time of +1000000000-01-01 (signed, so it passes every
     * other check) arrives between two valid messages. It is quarantined; both valid messages are stored; all three
     * are acknowledged.
     */
    @Test
    void anEventTimeOfYearOneBillionIsQuarantinedAndTheMessagesAroundItAreStored() throws InterruptedException {
        SignedEvent before = dev1.heartbeat(NOW.minusSeconds(10));
        SignedEvent poison = dev1.event(Instant.parse("+1000000000-01-01T00:00:00Z"), false, new EventBody.Heartbeat());
        SignedEvent after = dev2.heartbeat(NOW.minusSeconds(5));
        submit("dev-1/events", dev1.payload(before));
        submit("dev-1/events", dev1.payload(poison));
        submit("dev-2/events", dev2.payload(after));

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(List.of(before, after)));
        QuarantinedMessage q = onlyQuarantined();
        assertThat(q.reason()).isEqualTo(QuarantineReason.IMPLAUSIBLE_TIME);
        assertThat(q.detail()).contains(poison.event().eventId(), "+1000000000-01-01");
    }

    /** Unsynchronised times are range-checked too: year 3000 is not stored (it once came back as 1830), nor 1969. */
    @Test
    void unsynchronisedTimesOutsideTheStorableRangeAreQuarantined() throws InterruptedException {
        SignedEvent y3000 = dev1.event(Instant.parse("3000-01-01T00:00:00Z"), false, new EventBody.Heartbeat());
        SignedEvent y1969 = dev1.event(Instant.parse("1969-12-31T23:59:59Z"), false, new EventBody.Heartbeat());
        SignedEvent bootAfter2100 = dev1.event(NOW, true, new EventBody.Boot("power_on", Instant.parse("2100-01-01T00:00:00Z")));
        SignedEvent unsynced1970 = dev1.event(Instant.parse("1970-01-01T00:00:00Z"), false, new EventBody.Heartbeat());
        for (SignedEvent e : List.of(y3000, y1969, bootAfter2100, unsynced1970)) {
            submit("dev-1/events", dev1.payload(e));
        }

        awaitAllAcknowledged();

        assertThat(storedIds()).containsExactly(unsynced1970.event().eventId());
        assertThat(store.quarantineCounts()).containsExactly(Map.entry(QuarantineReason.IMPLAUSIBLE_TIME, 3L));
    }

    /** seq is 1 to 2^53 − 1 (DeviceEvent.MAX_SEQ): Long.MAX_VALUE once was stored and broke gap counting. */
    @Test
    void sequenceNumbersBeyondTwoToTheFiftyThirdAreMalformed() throws InterruptedException {
        SignedEvent ok = dev1.heartbeat(NOW.minusSeconds(1));
        byte[] payload = dev1.payload(ok);
        String seq = "\"seq\":" + ok.event().seq();
        submit("dev-1/events", replaceOnce(payload, seq, "\"seq\":" + Long.MAX_VALUE));
        submit("dev-1/events", replaceOnce(payload, seq, "\"seq\":" + (DeviceEvent.MAX_SEQ + 1)));
        submit("dev-1/events", replaceOnce(payload, seq, "\"seq\":99999999999999999999999"));
        submit("dev-1/events", replaceOnce(payload, seq, "\"seq\":0"));
        submit("dev-1/events", payload);

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(List.of(ok)));
        assertThat(store.quarantineCounts()).containsExactly(Map.entry(QuarantineReason.MALFORMED, 4L));
        assertThat(store.recentQuarantine(10)).extracting(QuarantinedMessage::detail)
                .anySatisfy(d -> assertThat(d).contains("9007199254740991"));
        assertThat(counters.snapshot().sequenceGaps()).isZero();
    }

    /** UTF-8 only: the same JSON in UTF-16 (with or without a byte order mark), malformed UTF-8 and a NUL are refused. */
    @Test
    void payloadsThatAreNotStrictUtf8AreMalformed() throws InterruptedException {
        SignedEvent ok = dev1.heartbeat(NOW.minusSeconds(1));
        String json = new String(dev1.payload(ok), StandardCharsets.UTF_8);
        submit("dev-1/events", json.getBytes(StandardCharsets.UTF_16));
        submit("dev-1/events", json.getBytes(StandardCharsets.UTF_16LE));
        submit("dev-1/events", json.getBytes(java.nio.charset.Charset.forName("UTF-32")));
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        byte[] malformed = java.util.Arrays.copyOf(utf8, utf8.length + 2);
        System.arraycopy(utf8, 1, malformed, 3, utf8.length - 1);
        malformed[1] = (byte) 0xC3; // a lead byte followed by no continuation byte: whitespace that is not UTF-8
        malformed[2] = (byte) 0x28;
        submit("dev-1/events", malformed);
        submit("dev-1/events", replaceOnce(json.getBytes(StandardCharsets.UTF_8), "\"schema\"", "\u0000\"schema\""));
        submit("dev-1/events", json.getBytes(StandardCharsets.UTF_8));

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(List.of(ok)));
        assertThat(store.quarantineCounts()).containsExactly(Map.entry(QuarantineReason.MALFORMED, 5L));
        assertThat(store.recentQuarantine(10)).extracting(QuarantinedMessage::detail)
                .allSatisfy(d -> assertThat(d).containsAnyOf("UTF-8", "NUL"));
    }

    /**
     * A backlog batch whose batch signature is right but one event's own signature is not: the whole message is
     * refused, since what the store keeps as evidence is each event's own signature (docs/mqtt-contract.md).
     */
    @Test
    void aBatchWithOneBadEventSignatureUnderAGoodBatchSignatureIsRefused() throws InterruptedException {
        List<SignedEvent> events = new ArrayList<>(dev1.heartbeats(NOW.minusSeconds(100), 3));
        SignedEvent good = events.get(1);
        byte[] wrong = good.signature().clone();
        wrong[0] ^= 1;
        events.set(1, new SignedEvent(good.event(), wrong));
        submit("dev-1/events", dev1.payload(events));
        List<SignedEvent> fine = dev2.heartbeats(NOW.minusSeconds(50), 3);
        submit("dev-2/events", dev2.payload(fine));

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(fine));
        QuarantinedMessage q = onlyQuarantined();
        assertThat(q.reason()).isEqualTo(QuarantineReason.BAD_SIGNATURE);
        assertThat(q.detail()).contains(good.event().eventId(), "in a batch of 3");
    }

    /** The other inputs of the list, each with its reason; nothing of them is stored. */
    @Test
    void everyOtherHostileInputGetsItsReason() throws InterruptedException {
        TestDevice impostor = new TestDevice("dev-2", "room-2");
        TestDevice stranger = new TestDevice("dev-9", "room-1");
        SignedEvent ok = dev1.heartbeat(NOW.minusSeconds(1));
        byte[] huge = new byte[300_000];
        java.util.Arrays.fill(huge, (byte) '{');
        submit("dev-1/events", huge);
        submit("dev-1/events", "{\"schema\":1,\"device\":\"dev-1\",\"events\":[],\"x\":1}".getBytes(StandardCharsets.UTF_8));
        submit("dev-1/events", new byte[0]);
        submit("dev-9/events", stranger.payload(stranger.heartbeat(NOW)));
        submit("dev-2/events", impostor.payload(impostor.heartbeat(NOW)));
        submit("dev-2/events", dev1.payload(dev1.heartbeat(NOW)));
        submit("dev-1/events/extra", dev1.payload(dev1.heartbeat(NOW)));
        submit("dev-1/events", dev1.payload(dev1.event(NOW.plus(Duration.ofDays(1)), true, new EventBody.Heartbeat())));
        submit("dev-1/events", replaceOnce(dev1.payload(dev1.event(NOW, new EventBody.StaffOpen("T01"))), "\"T01\"",
                "\"<script>alert(1)</script>\""));
        submit("dev-1/events", dev1.payload(ok));

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(List.of(ok)));
        assertThat(store.quarantineCounts()).containsOnly(
                Map.entry(QuarantineReason.PAYLOAD_TOO_LARGE, 1L),
                Map.entry(QuarantineReason.MALFORMED, 3L),
                Map.entry(QuarantineReason.UNKNOWN_DEVICE, 1L),
                Map.entry(QuarantineReason.BAD_SIGNATURE, 1L),
                Map.entry(QuarantineReason.FOREIGN_TOPIC, 2L),
                Map.entry(QuarantineReason.IMPLAUSIBLE_TIME, 1L));
    }

    /**
     * Attribution: a device moved to another room (the registry now says room-9) whose old event is delivered again
     * (a replayed capture) does not get it stored a second time under the new room.
     */
    @Test
    void replayingAMovedDevicesOldEventStoresNothingUnderItsNewRoom() throws InterruptedException {
        SignedEvent open = dev1.event(NOW.minusSeconds(600), new EventBody.StaffOpen("T01"));
        byte[] captured = dev1.payload(open);
        submit("dev-1/events", captured);
        awaitAllAcknowledged();
        pipeline.close();

        Registry moved = new Registry(List.of(room("room-1"), room("room-2"), room("room-9")),
                List.of(new cn.xinan.provisioning.DeviceRecord("dev-1", "room-9", dev1.publicKey()), dev2.record()));
        startPipeline(moved, store);
        submit("dev-1/events", captured);
        awaitAllAcknowledged();

        assertThat(counters.snapshot().duplicates()).isEqualTo(1);
        assertThat(store.eventsForRoom("room-9", Instant.EPOCH, NOW.plusSeconds(3600))).isEmpty();
        assertThat(store.eventsForRoom("room-1", Instant.EPOCH, NOW.plusSeconds(3600))).hasSize(1);
        assertThat(store.eventCount()).isEqualTo(1);
    }

    /**
     * A store that refuses one message's events as data (not an outage): that message is quarantined as
     * store_refused and the rest of the batch is stored, nothing retried forever.
     */
    @Test
    void aMessageTheStoreRefusesIsQuarantinedAndTheRestOfTheBatchIsStored() throws InterruptedException {
        pipeline.close();
        TestDevice poisonDevice = new TestDevice("dev-p", "room-1");
        Registry withPoison = new Registry(List.of(room("room-1"), room("room-2")),
                List.of(dev1.record(), dev2.record(), poisonDevice.record()));
        startPipeline(withPoison, new RefusingStore(store, "dev-p"));
        List<SignedEvent> valid = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SignedEvent e = (i % 2 == 0 ? dev1 : dev2).heartbeat(NOW.minusSeconds(100 - i));
            valid.add(e);
            submit(e.event().deviceId() + "/events", (i % 2 == 0 ? dev1 : dev2).payload(e));
            if (i == 10) {
                submit("dev-p/events", poisonDevice.payload(poisonDevice.heartbeat(NOW.minusSeconds(50))));
            }
        }

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(valid));
        QuarantinedMessage q = onlyQuarantined();
        assertThat(q.reason()).isEqualTo(QuarantineReason.STORE_REFUSED);
        assertThat(q.deviceId()).isEqualTo("dev-p");
    }

    /**
     * A flood: 5,000 random 4 KiB messages from one source are all acknowledged and counted, but only
     * {@code quarantine.per-source-per-minute} (60) of them are kept; valid traffic of other devices goes on.
     */
    @Test
    void aFloodOfRandomMessagesFromOneSourceIsCountedButKeptOnlyUpToTheRate() throws InterruptedException {
        Random random = new Random(7);
        SignedEvent ok = dev2.heartbeat(NOW.minusSeconds(1));
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            submit("intruder/events", junk);
            if (i == 2_500) {
                submit("dev-2/events", dev2.payload(ok));
            }
        }

        awaitAllAcknowledged();

        assertThat(storedIds()).isEqualTo(ids(List.of(ok)));
        assertThat(counters.snapshot().quarantinedTotal()).isEqualTo(5_000);
        assertThat(counters.quarantineNotKept()).isEqualTo(5_000 - 60);
        assertThat(store.quarantineCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(60);
    }

    /** Forged or hostile status messages change nothing on the board (fleet health shows no markup). */
    @Test
    void hostileStatusMessagesAreIgnored() {
        DeviceStatusBoard board = new DeviceStatusBoard(registry);
        board.statusMessage("dev-1/status", "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"firmware\":\"<script>x</script>\"}"
                .getBytes(StandardCharsets.UTF_8));
        board.statusMessage("dev-1/status", "{\"schema\":1,\"device\":\"dev-2\",\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8));
        board.statusMessage("dev-1/status", "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\"}"
                .getBytes(StandardCharsets.UTF_16));
        board.statusMessage("dev-1/status", "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"at\":\"+1000000000-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(board.all()).isEmpty();

        board.statusMessage("dev-1/status", "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"firmware\":\"0.1.0\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(board.all()).as("unsigned").isEmpty();

        board.statusMessage("dev-1/status", new cn.xinan.wire.DeviceStatus("dev-1", true, Instant.parse("2025-03-03T00:00:00Z"),
                "0.1.0").encodeSigned(dev1.signer()));
        assertThat(board.state("dev-1").orElseThrow().firmware()).isEqualTo("0.1.0");
    }

    /** A store that refuses, as data, any append holding an event of one device. */
    private record RefusingStore(EventStore delegate, String refusedDevice) implements EventStore {
        @Override
        public AppendResult append(List<StoredEvent> events) {
            Set<String> devices = new HashSet<>();
            events.forEach(e -> devices.add(e.event().deviceId()));
            if (devices.contains(refusedDevice)) {
                throw new StoreRefusedException("cannot hold events of " + refusedDevice);
            }
            return delegate.append(events);
        }

        @Override
        public List<StoredEvent> eventsForRoom(String roomId, Instant from, Instant to) {
            return delegate.eventsForRoom(roomId, from, to);
        }

        @Override
        public List<Long> sequenceNumbersAbove(String deviceId, long after, int limit) {
            return delegate.sequenceNumbersAbove(deviceId, after, limit);
        }

        @Override
        public java.util.Optional<String> eventIdAt(String deviceId, long seq) {
            return delegate.eventIdAt(deviceId, seq);
        }

        @Override
        public void quarantineSeqs(List<cn.xinan.collector.store.QuarantinedSeq> seqs) {
            delegate.quarantineSeqs(seqs);
        }

        @Override
        public java.util.Map<String, Long> quarantinedSeqCounts() {
            return delegate.quarantinedSeqCounts();
        }

        @Override
        public List<DirtyDay> dirtyDays(java.util.Collection<String> rooms) {
            return delegate.dirtyDays(rooms);
        }

        @Override
        public void markDirty(java.util.Collection<RoomDay> days) {
            delegate.markDirty(days);
        }

        @Override
        public void clearDirty(java.util.Collection<DirtyDay> days) {
            delegate.clearDirty(days);
        }

        @Override
        public void writeSummaries(String room, List<cn.xinan.rules.DaySummary> days) {
            delegate.writeSummaries(room, days);
        }

        @Override
        public java.util.Map<String, List<cn.xinan.rules.DaySummary>> summaries(java.util.Collection<String> rooms,
                                                                              java.time.LocalDate from, java.time.LocalDate to) {
            return delegate.summaries(rooms, from, to);
        }

        @Override
        public java.util.Optional<cn.xinan.rules.DaySummary> lastSummaryOnOrBefore(String room, java.time.LocalDate day) {
            return delegate.lastSummaryOnOrBefore(room, day);
        }

        @Override
        public java.util.Optional<java.time.LocalDate> lastSummaryDate(String room) {
            return delegate.lastSummaryDate(room);
        }

        @Override
        public long eventCount(String room, Instant from, Instant to) {
            return delegate.eventCount(room, from, to);
        }

        @Override
        public boolean hasEventsFrom(String room, Instant from) {
            return delegate.hasEventsFrom(room, from);
        }

        @Override
        public java.util.Map<RoomDay, Long> eventCountsByDay(java.time.LocalDate from, java.time.LocalDate to) {
            return delegate.eventCountsByDay(from, to);
        }

        @Override
        public long eventCount() {
            return delegate.eventCount();
        }

        @Override
        public void quarantine(List<QuarantinedMessage> messages) {
            delegate.quarantine(messages);
        }

        @Override
        public List<QuarantinedMessage> recentQuarantine(int limit) {
            return delegate.recentQuarantine(limit);
        }

        @Override
        public long pruneQuarantine(Instant olderThan, long keepNewest) {
            return delegate.pruneQuarantine(olderThan, keepNewest);
        }

        @Override
        public Map<QuarantineReason, Long> quarantineCounts() {
            return delegate.quarantineCounts();
        }

        @Override
        public String type() {
            return "refusing";
        }

        @Override
        public void checkHealth() {
            delegate.checkHealth();
        }

        @Override
        public void close() {
            // the test closes the delegate
        }

        @Override
        public void reloadMarks() {
            delegate.reloadMarks();
        }

        @Override
        public List<StoredEvent> eventsBesideHeartbeats(String room, Instant from, Instant to) {
            return delegate.eventsBesideHeartbeats(room, from, to);
        }

        @Override
        public List<StoredEvent> heartbeats(String room, Instant from, Instant to) {
            return delegate.heartbeats(room, from, to);
        }

        @Override
        public void writeAliveDays(String room, List<cn.xinan.collector.store.AliveDay> days) {
            delegate.writeAliveDays(room, days);
        }

        @Override
        public void writeSeqDays(String room, List<cn.xinan.collector.store.SeqDay> days) {
            delegate.writeSeqDays(room, days);
        }

        @Override
        public List<cn.xinan.collector.store.SeqDay> seqDays(String room, java.time.LocalDate from, java.time.LocalDate to) {
            return delegate.seqDays(room, from, to);
        }

        @Override
        public Map<java.time.LocalDate, cn.xinan.collector.store.AliveDay> aliveDays(String room, java.time.LocalDate from,
                                                                                     java.time.LocalDate to) {
            return delegate.aliveDays(room, from, to);
        }

        @Override
        public List<RoomDay> summariesWithOtherGap(long gapSeconds) {
            return delegate.summariesWithOtherGap(gapSeconds);
        }

        @Override
        public java.util.Optional<String> derivedFingerprint() {
            return delegate.derivedFingerprint();
        }

        @Override
        public void writeDerivedFingerprint(String fingerprint) {
            delegate.writeDerivedFingerprint(fingerprint);
        }
    }
}
