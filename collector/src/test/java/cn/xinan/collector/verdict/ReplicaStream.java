package cn.xinan.collector.verdict;

import cn.xinan.collector.store.AliveDay;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.EventKind;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.SignedEvent;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A random fortnight of events for a few rooms, many of them around midnight, delivered shuffled, late and partly
 * twice, in small batches split between two collector replicas (each a store and a {@link DerivedResults} of its own
 * on one database), which recompute at random moments.
 */
final class ReplicaStream {
    static final LocalDate FIRST = LocalDate.of(2025, 3, 3); // a Monday
    static final int DAYS = 14;
    static final LocalDate LAST = FIRST.plusDays(DAYS - 1);
    static final List<String> ROOMS = List.of("room-a", "room-b", "room-c");
    static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled());
    private static final byte[] SIGNATURE = new byte[64];

    final RuleSettings settings;
    final Map<String, List<DeviceEvent>> events = new HashMap<>();
    private final Random random;

    ReplicaStream(long seed) {
        this.random = new Random(seed);
        this.settings = RuleSettings.defaults().withUnattendedGapSeconds(random.nextBoolean() ? 1_800 : 600);
        Instant origin = FIRST.atStartOfDay(RulesEngine.ZONE).toInstant();
        for (String room : ROOMS) {
            int steps = 20 + random.nextInt(120);
            List<long[]> moments = new ArrayList<>(); // {minute, kind}: kind -1 is a heartbeat of a run
            for (int i = 0; i < steps; i++) {
                int minute = random.nextBoolean()
                        ? random.nextInt(DAYS * 1440)
                        // around a midnight: stretches and intervals that cross it
                        : Math.floorMod(1440 * (1 + random.nextInt(DAYS - 1)) + random.nextInt(181) - 90, DAYS * 1440);
                moments.add(new long[]{minute, random.nextInt(40)});
            }
            // runs of heartbeats a minute apart (what alive spans summarise), some across a midnight, with a few
            // missed (a new span) and boots falling inside them
            int runs = 1 + random.nextInt(3);
            for (int r = 0; r < runs; r++) {
                int start = random.nextBoolean() ? random.nextInt(DAYS * 1440)
                        : 1440 * (1 + random.nextInt(DAYS - 1)) - random.nextInt(240);
                int length = 30 + random.nextInt(300);
                for (int m = start; m < Math.min(DAYS * 1440, start + length); m++) {
                    if (random.nextInt(30) == 0) {
                        m += 2 + random.nextInt(4);
                        continue;
                    }
                    moments.add(new long[]{m, -1});
                    if (random.nextInt(120) == 0) {
                        moments.add(new long[]{m, 0}); // a boot in the same minute
                    }
                }
            }
            moments.sort((x, y) -> Long.compare(x[0], y[0]));
            List<DeviceEvent> list = new ArrayList<>();
            String device = room + "-dev";
            long seq = 0;
            for (long[] moment : moments) {
                seq++;
                EventBody body = switch ((int) moment[1]) {
                    case -1, 2, 3, 4, 5, 6, 7, 8, 9 -> new EventBody.Heartbeat();
                    case 0, 1 -> new EventBody.Boot("power_on", null);
                    case 10, 11, 12, 13, 14, 15, 16, 17 -> new EventBody.StaffOpen("T01");
                    case 18, 19, 20, 21, 22, 23 -> new EventBody.StaffClose("T01");
                    case 24, 25, 26, 27, 28, 29 -> new EventBody.Presence(true);
                    case 30, 31, 32, 33, 34, 35 -> new EventBody.Presence(false);
                    default -> new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR);
                };
                // heartbeats of a run at a random second of their minute, so a boot can fall just before or after one
                long second = moment[1] == -1 || moment[1] == 0 ? random.nextInt(60) : 0;
                list.add(new DeviceEvent(device + "-" + seq, device, seq, origin.plusSeconds(moment[0] * 60L + second),
                        random.nextInt(12) != 0, body));
            }
            events.put(room, list);
        }
    }

    /** The room's events as a collector stores them. */
    static StoredEvent stored(String room, DeviceEvent e) {
        return new StoredEvent(new SignedEvent(e, SIGNATURE), room, Instant.parse("2025-03-20T00:00:00Z"));
    }

    /** Delivers every event (shuffled, some twice) in batches to the two replicas, which derive at random moments. */
    void deliver(EventStore storeA, DerivedResults derivedA, EventStore storeB, DerivedResults derivedB) {
        List<StoredEvent> delivery = new ArrayList<>();
        Instant received = Instant.parse("2025-03-20T00:00:00Z");
        events.forEach((room, list) -> {
            for (DeviceEvent e : list) {
                delivery.add(new StoredEvent(new SignedEvent(e, SIGNATURE), room, received));
            }
        });
        int duplicates = random.nextInt(delivery.size() / 4 + 1);
        for (int i = 0; i < duplicates; i++) {
            delivery.add(delivery.get(random.nextInt(delivery.size())));
        }
        // mostly in time order, as devices send, with a share of the events held back and delivered late
        delivery.sort((x, y) -> x.event().at().compareTo(y.event().at()));
        List<StoredEvent> late = new ArrayList<>();
        List<StoredEvent> ordered = new ArrayList<>();
        for (StoredEvent e : delivery) {
            (random.nextInt(4) == 0 ? late : ordered).add(e);
        }
        Collections.shuffle(late, random);
        for (StoredEvent e : late) {
            ordered.add(random.nextInt(ordered.size() + 1), e);
        }
        for (int i = 0; i < ordered.size(); ) {
            int n = 1 + random.nextInt(15);
            List<StoredEvent> batch = ordered.subList(i, Math.min(ordered.size(), i + n));
            (random.nextBoolean() ? storeA : storeB).append(List.copyOf(batch));
            i += n;
            if (random.nextInt(3) == 0) {
                List<String> rooms = random.nextBoolean() ? List.of() : List.of(ROOMS.get(random.nextInt(ROOMS.size())));
                (random.nextBoolean() ? derivedA : derivedB).refresh(rooms);
            }
        }
        derivedA.refresh(List.of());
        derivedB.refresh(List.of());
    }

    /**
     * Every day and week of every room from the stored summaries equals the engine on all the room's events; each
     * summary counts the day's distinct events, and the stored alive spans are those of the day's raw heartbeats.
     */
    void assertSummariesMatchTheEngine(EventStore store) {
        assertSummariesMatchTheEngine(store, settings);
    }

    /** {@link #assertSummariesMatchTheEngine(EventStore)} with the engine on these settings. */
    void assertSummariesMatchTheEngine(EventStore store, RuleSettings settings) {
        RulesEngine engine = new RulesEngine(settings);
        Map<String, List<DaySummary>> summaries = store.summaries(List.of(), FIRST, LAST);
        for (String room : ROOMS) {
            RoomReport expected = engine.evaluate(room, Tier.QUALIFIED, events.get(room), CALENDAR, FIRST, LAST);
            RoomReport actual = engine.evaluateSummaries(room, Tier.QUALIFIED, summaries.getOrDefault(room, List.of()),
                    CALENDAR, FIRST, LAST);
            assertThat(actual.days()).as("days of %s", room).isEqualTo(expected.days());
            assertThat(actual.weeks()).as("weeks of %s", room).isEqualTo(expected.weeks());
            assertThat(actual.excludedUnsyncedEvents()).as("unsynced of %s", room)
                    .isEqualTo(expected.excludedUnsyncedEvents());
            Map<LocalDate, Integer> perDay = new HashMap<>();
            Map<LocalDate, List<DeviceEvent>> heartbeats = new HashMap<>();
            for (DeviceEvent e : events.get(room)) {
                LocalDate day = LocalDate.ofInstant(e.at(), RulesEngine.ZONE);
                perDay.merge(day, 1, Integer::sum);
                if (e.kind() == EventKind.HEARTBEAT) {
                    heartbeats.computeIfAbsent(day, d -> new ArrayList<>()).add(e);
                }
            }
            for (DaySummary d : summaries.getOrDefault(room, List.of())) {
                assertThat(d.events()).as("events of %s on %s", room, d.date()).isEqualTo(perDay.getOrDefault(d.date(), 0));
            }
            Map<LocalDate, AliveDay> alive = store.aliveDays(room, FIRST, LAST);
            heartbeats.forEach((day, list) -> assertThat(alive.get(day)).as("alive spans of %s on %s", room, day)
                    .isEqualTo(AliveDay.of(day, list)));
        }
    }

    /**
     * Recomputes every room's whole fortnight from the stored alive spans alone (no day's raw heartbeats read again),
     * as after a change of the unattended gap: the summaries stay those of the engine on all events.
     */
    void recomputeFromSpans(DerivedResults derived) {
        for (String room : ROOMS) {
            assertThat(derived.recompute(room, FIRST, LAST, java.util.Set.of())).isTrue();
        }
    }
}
