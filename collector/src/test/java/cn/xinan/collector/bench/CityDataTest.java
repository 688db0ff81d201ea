package cn.xinan.collector.bench;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.CarriedState;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RulesEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The city benchmark's parameters and kept data (docs/benchmarks.md, "City"): what a run asks for, what a kept
 * directory records it holds, and an interrupted load resumed room by room on a small city in a real SQLite file.
 */
class CityDataTest {
    @TempDir
    Path dir;

    @Test
    void theArgumentsDefaultFromTheEndAndAWrongOneIsRefusedByName() {
        assertThat(CityData.City.parse()).isEqualTo(new CityData.City(1_000, 20, 5, 1_000, 1));
        assertThat(CityData.City.parse("20", "4", "3")).isEqualTo(new CityData.City(20, 4, 3, 20, 1));
        assertThat(CityData.City.parse("1000", "20", "3", "1000", "20")).isEqualTo(new CityData.City(1_000, 20, 3, 1_000, 20));

        assertThatThrownBy(() -> CityData.City.parse("20", "4", "3", "20", "five"))
                .hasMessage("rawWeeks (argument 5) must be a whole number, was 'five'");
        assertThatThrownBy(() -> CityData.City.parse("20", "4", "3", "20", "5"))
                .hasMessage("rawWeeks must be between 1 and termWeeks (4), was 5");
        assertThatThrownBy(() -> CityData.City.parse("20", "4", "3", "21"))
                .hasMessageContaining("rawRooms must be between 1 (room-0000 is always raw) and rooms (20), was 21");
        assertThatThrownBy(() -> CityData.City.parse("1", "2", "3", "1", "1", "1")).hasMessageContaining("at most 5");
    }

    @Test
    void eachRawRoomGetsItsRawWeeksAndRoomZeroItsWholeTerm() {
        CityData.City city = new CityData.City(5, 4, 1, 3, 2);
        assertThat(List.of(city.rawWeeksOf(0), city.rawWeeksOf(1), city.rawWeeksOf(2), city.rawWeeksOf(3),
                city.rawWeeksOf(4))).containsExactly(4, 2, 2, 0, 0);
        assertThat(city.rawRoomWeeks()).isEqualTo(8);
    }

    @Test
    void aKeptDirectoryRecordsItsCityAndProgressAndRefusesAnotherCity() throws Exception {
        CityData.City city = new CityData.City(20, 4, 3, 20, 4);
        CityData fresh = CityData.open(dir.resolve("sqlite"), city);
        assertThat(fresh.loadedRooms()).isZero();
        assertThat(fresh.complete()).isFalse();
        fresh.roomLoaded(0);
        fresh.roomLoaded(1);
        assertThatThrownBy(() -> fresh.roomLoaded(3)).hasMessageContaining("the next room to load is 2");
        assertThatThrownBy(fresh::markComplete).hasMessage("load not finished: 2 of 20 rooms");

        // the next run (any number of runs) resumes at room 2
        CityData resumed = CityData.open(dir.resolve("sqlite"), new CityData.City(20, 4, 7, 20, 4));
        assertThat(resumed.loadedRooms()).isEqualTo(2);
        assertThat(resumed.complete()).isFalse();
        for (int r = 2; r < 20; r++) {
            resumed.roomLoaded(r);
        }
        resumed.markComplete();
        assertThat(CityData.open(dir.resolve("sqlite"), city).complete()).isTrue();

        assertThatThrownBy(() -> CityData.open(dir.resolve("sqlite"), new CityData.City(20, 4, 3, 20, 1)))
                .hasMessageContaining("holds a city loaded with rawWeeks=4 (rooms=20 termWeeks=4 rawRooms=20 rawWeeks=4),"
                        + " this run asks for rooms=20 termWeeks=4 rawRooms=20 rawWeeks=1");
        Files.writeString(Files.createDirectories(dir.resolve("other")).resolve("events.db"), "not ours");
        assertThatThrownBy(() -> CityData.open(dir.resolve("other"), city))
                .hasMessageContaining("holds files but no city.properties");
    }

    @Test
    void anInterruptedLoadResumesRoomByRoomAndHoldsEveryEventOnce() throws Exception {
        // 4 rooms, a 3-week term: room-0000 3 weeks raw, rooms 1 and 2 their first 2 weeks, room 3 none
        CityData.City city = new CityData.City(4, 3, 1, 3, 2);
        CityBenchmark bench = new CityBenchmark(city);
        LocalDate termEnd = CityBenchmark.TERM_START.plusWeeks(3).minusDays(1);
        Path data = dir.resolve("sqlite");
        CityData first = CityData.open(data, city);   // as a run does: the marker before the store's files
        try (EventStore store = new StoreSettings.Sqlite(data.resolve("events.db")).open()) {
            // what an interrupted first run left: room-0000 loaded, derived and recorded; room-0001 half appended
            DerivedResults derived = new DerivedResults(store, CityBenchmark.RULES);
            for (int w = 0; w < 3; w++) {
                store.append(CityBenchmark.stored(CityBenchmark.room(0),
                        CityBenchmark.week(0, CityBenchmark.TERM_START.plusWeeks(w))));
            }
            derived.refresh(List.of(CityBenchmark.room(0)));
            first.roomLoaded(0);
            store.append(CityBenchmark.stored(CityBenchmark.room(1), CityBenchmark.week(1, CityBenchmark.TERM_START)));

            CityData second = CityData.open(data, city);
            assertThat(second.loadedRooms()).isEqualTo(1);
            bench.load(store, new DerivedResults(store, CityBenchmark.RULES), second);

            assertThat(second.complete()).isTrue();
            assertThat(CityData.open(data, city).complete()).isTrue();
            assertThat(store.eventCount()).isEqualTo((3 + 2 + 2) * CityBenchmark.EVENTS_A_WEEK);
            assertThat(store.dirtyDays(List.of())).isEmpty();
            RulesEngine engine = new RulesEngine(CityBenchmark.RULES);
            Map<String, List<DaySummary>> stored = store.summaries(List.of(), CityBenchmark.TERM_START, termEnd);
            assertThat(stored.keySet()).containsExactlyInAnyOrder("room-0000", "room-0001", "room-0002", "room-0003");
            for (int r = 0; r < 4; r++) {
                List<DeviceEvent> term = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    term.addAll(CityBenchmark.week(r, CityBenchmark.TERM_START.plusWeeks(w)));
                }
                // raw or engine-made, every day is what the engine gives on the room's whole term of events
                assertThat(stored.get(CityBenchmark.room(r))).as("room %d", r)
                        .isEqualTo(engine.summarize(CarriedState.INITIAL, term, CityBenchmark.TERM_START, termEnd));
            }
            long raw = 0;
            for (int r = 0; r < 4; r++) {
                raw += store.eventCount(CityBenchmark.room(r), CityBenchmark.TERM_START.atStartOfDay(RulesEngine.ZONE)
                        .toInstant(), termEnd.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant());
            }
            assertThat(raw).isEqualTo(store.eventCount());
            assertThat(store.eventCount(CityBenchmark.room(3), CityBenchmark.TERM_START.atStartOfDay(RulesEngine.ZONE)
                    .toInstant(), termEnd.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant())).isZero();
        }
    }
}
