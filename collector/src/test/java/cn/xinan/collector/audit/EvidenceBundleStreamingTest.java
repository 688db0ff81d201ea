package cn.xinan.collector.audit;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence bundle is written as the store is read: whatever the scope, no more than one read of the store (a
 * room's events over {@link AuditService#EVIDENCE_CHUNK_DAYS} days) is held at once. Every signed event the store hands
 * out is watched through a weak reference; before each read, after a full collection, the events of earlier reads
 * still reachable are counted. A writer that kept the scope's events (as the bundle once did) holds all the earlier
 * reads' events at the last read, many times one read's.
 */
class EvidenceBundleStreamingTest {
    private static final LocalDate FROM = LocalDate.of(2025, 3, 10);
    private static final LocalDate TO = LocalDate.of(2025, 3, 23);
    private static final int ROOMS = 6;

    @TempDir
    Path dir;

    private final List<WeakReference<SignedEvent>> handedOut = new ArrayList<>();
    private int reads;
    private int largestRead;
    private int mostLiveBeforeARead;

    @Test
    void theBundleHoldsAtMostOneReadOfTheStoreAtOnceAndVerifies() throws Exception {
        List<RoomRecord> rooms = new ArrayList<>();
        List<TestDevice> devices = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            rooms.add(new RoomRecord("东宝区", "jm-db-00" + (r % 2 + 1), "room-" + r, Tier.DEMONSTRATION, "room " + r));
            devices.add(new TestDevice("dev-" + r, "room-" + r));
        }
        Registry registry = new Registry(rooms, devices.stream().map(TestDevice::record).toList());
        try (EventStore store = SqliteEventStore.open(dir.resolve("events.db"))) {
            long stored = 0;
            for (TestDevice device : devices) {
                List<StoredEvent> events = threeWeeks(device);
                store.append(events);
                stored += events.size();
            }
            EventStore watched = watching(store);
            SchoolCalendars calendars = SchoolCalendars.uniform(SchoolCalendar.of(NationalCalendar.bundled()));
            AuditService audits = new AuditService(watched, registry,
                    new VerdictService(watched, registry, RuleSettings.defaults(), calendars), calendars,
                    Clock.fixed(Instant.parse("2025-03-26T02:00:00Z"), ZoneOffset.UTC));
            CollectorKey key = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom());
            Path bundle = dir.resolve("bundle.zip");
            try (OutputStream out = Files.newOutputStream(bundle)) {
                EvidenceBundle.write(audits.evidence(AuditScope.allRooms(), FROM, TO), key, Optional.empty(), out);
            }

            // every room's events were read in several reads, each far smaller than the scope's events
            assertThat(reads).isGreaterThanOrEqualTo(ROOMS * 3);
            assertThat(handedOut).hasSize(Math.toIntExact(stored));
            assertThat(largestRead * 5L).isLessThan(stored);
            assertThat(mostLiveBeforeARead).as("signed events of earlier reads still reachable when the store is read,"
                    + " of %d handed out in %d reads of at most %d", handedOut.size(), reads, largestRead)
                    .isLessThanOrEqualTo(largestRead);

            BundleVerifier.Result result = BundleVerifier.verify(bundle, Optional.of(key.publicKey()));
            assertThat(result.problems()).isEmpty();
            assertThat(result.lines()).contains("room room-0: " + stored / ROOMS + " events, " + stored / ROOMS
                    + " with a valid device signature");
            assertThat(entryNames(bundle)).endsWith(EvidenceBundle.MANIFEST, EvidenceBundle.MANIFEST_SIGNATURE);
        }
    }

    /** {@code store} with every read of a room's events watched ({@link #handedOut}); everything else passed through. */
    private EventStore watching(EventStore store) {
        return (EventStore) Proxy.newProxyInstance(EventStore.class.getClassLoader(), new Class<?>[]{EventStore.class},
                (proxy, method, args) -> {
                    boolean read = method.getName().equals("eventsForRoom");
                    if (read) {
                        mostLiveBeforeARead = Math.max(mostLiveBeforeARead, stillReachable());
                    }
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (read) {
                        @SuppressWarnings("unchecked")
                        List<StoredEvent> events = (List<StoredEvent>) result;
                        reads++;
                        largestRead = Math.max(largestRead, events.size());
                        for (StoredEvent e : events) {
                            handedOut.add(new WeakReference<>(e.signed()));
                        }
                    }
                    return result;
                });
    }

    /** How many of the signed events handed out so far are still reachable after a full collection. */
    private int stillReachable() {
        System.gc();
        int live = 0;
        for (WeakReference<SignedEvent> e : handedOut) {
            if (e.get() != null) {
                live++;
            }
        }
        return live;
    }

    /**
     * Three weeks of a room (the audit's event window from the Monday before {@link #FROM}): a heartbeat every quarter
     * hour, and a staff session of two hours on weekdays, each event received 30 s after it was recorded.
     */
    private static List<StoredEvent> threeWeeks(TestDevice device) {
        List<StoredEvent> out = new ArrayList<>();
        for (LocalDate day = FROM.minusDays(7); day.isBefore(TO.plusDays(1)); day = day.plusDays(1)) {
            Instant midnight = day.atStartOfDay(RulesEngine.ZONE).toInstant();
            for (int quarter = 0; quarter < 96; quarter++) {
                Instant at = midnight.plusSeconds(quarter * 900L + 7);
                out.add(new StoredEvent(device.heartbeat(at), device.roomId(), at.plusSeconds(30)));
                if (quarter == 40 && day.getDayOfWeek().compareTo(DayOfWeek.FRIDAY) <= 0) {
                    Instant open = at.plusSeconds(60);
                    Instant close = open.plusSeconds(7_200);
                    out.add(new StoredEvent(device.event(open, new EventBody.StaffOpen("T01")), device.roomId(),
                            open.plusSeconds(30)));
                    out.add(new StoredEvent(device.event(close, new EventBody.StaffClose("T01")), device.roomId(),
                            close.plusSeconds(30)));
                }
            }
        }
        return out;
    }

    private static List<String> entryNames(Path bundle) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(bundle))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
