package cn.xinan.collector.verdict;

import cn.xinan.collector.store.DerivedStore.DirtyDay;
import cn.xinan.collector.store.DerivedStore.RoomDay;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Derived results after a restart, on both stores: a collector stopped between storing events and deriving from them
 * leaves durable marks, and a fresh one on the same data recomputes exactly those days, whatever period they are in;
 * a collector started with another unattended gap recomputes every summary computed with the old one, by itself; a
 * calendar change needs no recomputation at all.
 */
class DerivedResultsRestartTest {
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();
    @TempDir
    Path dir;

    /** Opens the same data each time. */
    private Supplier<EventStore> stores(String type, long seed) {
        String database = "restart_" + seed + "_" + System.nanoTime();
        return switch (type) {
            case "sqlite" -> () -> SqliteEventStore.open(dir.resolve("events.db"));
            case "influxdb" -> () -> new StoreSettings.Influx(INFLUX.server().url(), database, "xinan", "INF", null, null).open();
            default -> throw new IllegalArgumentException(type);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void aCollectorStoppedBeforeDerivingLeavesMarksAndAFreshOneRecomputesExactlyThoseDays(String type) {
        ReplicaStream stream = new ReplicaStream(7);
        Supplier<EventStore> open = stores(type, 7);
        List<StoredEvent> first = new ArrayList<>();
        List<StoredEvent> missed = new ArrayList<>();
        Set<RoomDay> missedDays = new HashSet<>();
        stream.events.forEach((room, events) -> {
            for (int i = 0; i < events.size(); i++) {
                DeviceEvent e = events.get(i);
                if (i % 3 == 0) {
                    missed.add(ReplicaStream.stored(room, e));
                    missedDays.add(new RoomDay(room, LocalDate.ofInstant(e.at(), RulesEngine.ZONE)));
                } else {
                    first.add(ReplicaStream.stored(room, e));
                }
            }
        });
        try (EventStore store = open.get()) {
            store.append(first);
            new DerivedResults(store, stream.settings).refresh(List.of());
            assertThat(store.dirtyDays(List.of())).isEmpty();
            store.append(missed); // and the collector is killed before its derivation runs
        }
        try (EventStore store = open.get()) {
            Set<RoomDay> marked = new HashSet<>();
            for (DirtyDay d : store.dirtyDays(List.of())) {
                marked.add(d.day());
            }
            assertThat(marked).isEqualTo(missedDays);
            DerivedResults derived = new DerivedResults(store, stream.settings);
            assertThat(derived.refresh(List.of())).isEqualTo(ReplicaStream.ROOMS.size());
            stream.assertSummariesMatchTheEngine(store);
            assertThat(store.dirtyDays(List.of())).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void aCollectorStartedWithAnotherGapRecomputesEverySummaryOfTheOldOneByItself(String type) {
        ReplicaStream stream = new ReplicaStream(8);
        Supplier<EventStore> open = stores(type, 8);
        RuleSettings other = stream.settings.withUnattendedGapSeconds(stream.settings.unattendedGapSeconds() == 600 ? 1_800 : 600);
        try (EventStore store = open.get()) {
            List<StoredEvent> all = new ArrayList<>();
            stream.events.forEach((room, events) -> events.forEach(e -> all.add(ReplicaStream.stored(room, e))));
            store.append(all);
            DerivedResults derived = new DerivedResults(store, stream.settings);
            derived.refresh(List.of());
            assertThat(derived.reconcileSettings()).isZero();
            assertThat(store.derivedFingerprint()).contains(derived.fingerprint());
            // a room whose raw events are past their retention: only its summary is left
            store.writeSummaries("room-gone", List.of(new DaySummary(ReplicaStream.FIRST, 3_600_000, 0, 2, true, 0, 1_400,
                    stream.settings.unattendedGapSeconds(), cn.xinan.rules.CarriedState.INITIAL)));
        }
        try (EventStore store = open.get()) {
            DerivedResults derived = new DerivedResults(store, other);
            int days = store.summaries(ReplicaStream.ROOMS, ReplicaStream.FIRST, ReplicaStream.LAST).values().stream()
                    .mapToInt(List::size).sum();
            assertThat(derived.reconcileSettings()).isEqualTo(days);
            stream.assertSummariesMatchTheEngine(store, other);
            assertThat(store.derivedFingerprint()).contains(derived.fingerprint());
            assertThat(store.summariesWithOtherGap(other.unattendedGapSeconds()))
                    .containsExactly(new RoomDay("room-gone", ReplicaStream.FIRST));
            assertThat(derived.reconcileSettings()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "influxdb"})
    void aCalendarChangeCountsAtTheNextRequestWithoutRecomputingAnything(String type) {
        ReplicaStream stream = new ReplicaStream(9);
        try (EventStore store = stores(type, 9).get()) {
            List<StoredEvent> all = new ArrayList<>();
            stream.events.forEach((room, events) -> events.forEach(e -> all.add(ReplicaStream.stored(room, e))));
            store.append(all);
            DerivedResults derived = new DerivedResults(store, stream.settings);
            derived.refresh(List.of());
            Map<String, List<DaySummary>> before = store.summaries(List.of(), ReplicaStream.FIRST, ReplicaStream.LAST);
            // the school closes for the second week (a holiday the bureau adds)
            SchoolCalendar changed = SchoolCalendar.of(NationalCalendar.bundled(),
                    new CalendarLayer(Optional.empty(), ReplicaStream.FIRST.plusDays(7).datesUntil(ReplicaStream.LAST.plusDays(1))
                            .collect(Collectors.toSet()), Set.of(), Set.of()));
            RulesEngine engine = new RulesEngine(stream.settings);
            for (String room : ReplicaStream.ROOMS) {
                assertThat(engine.evaluateSummaries(room, Tier.QUALIFIED, before.getOrDefault(room, List.of()), changed,
                        ReplicaStream.FIRST, ReplicaStream.LAST))
                        .isEqualTo(engine.evaluate(room, Tier.QUALIFIED, stream.events.get(room), changed,
                                ReplicaStream.FIRST, ReplicaStream.LAST));
            }
            assertThat(derived.reconcileSettings()).isZero();
            assertThat(store.dirtyDays(List.of())).isEmpty();
        }
    }

}
