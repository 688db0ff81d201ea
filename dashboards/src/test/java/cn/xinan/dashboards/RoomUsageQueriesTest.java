package cn.xinan.dashboards;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static cn.xinan.dashboards.KnownData.LOCAL;
import static cn.xinan.dashboards.KnownData.MON;
import static cn.xinan.dashboards.KnownData.R1;
import static cn.xinan.dashboards.KnownData.R2;
import static cn.xinan.dashboards.KnownData.TUE;
import static cn.xinan.dashboards.KnownData.WED;
import static cn.xinan.dashboards.KnownData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The room usage dashboard on the known data (see {@link KnownData} for the story these numbers come from). */
class RoomUsageQueriesTest extends DashboardQueriesContract {
    @Override
    String uid() {
        return "xinan-room-usage";
    }

    private static Instant day(LocalDate d) {
        return d.atStartOfDay(LOCAL).toInstant();
    }

    /** Per-day counts: one bucket per local day of the week, the non-zero ones as given. */
    private static void perDay(InfluxAnswer.Series s, Map<Instant, Long> nonZero) {
        assertThat(s.byTime("count").keySet()).as("seven local days, Monday 00:00 +08:00 first")
                .hasSize(7).first().isEqualTo(day(MON));
        assertThat(s.nonZero("count")).isEqualTo(nonZero);
    }

    private static Consumer<InfluxAnswer> nothing() {
        return a -> assertThat(a.series()).as("no such check-ins").isEmpty();
    }

    @Override
    Map<String, Consumer<InfluxAnswer>> weekWithAllRooms() {
        return Map.ofEntries(
                entry("1A", a -> assertThat(a.single().cell(0, "count").asLong()).as("check-ins in the week").isEqualTo(5)),
                entry("2A", a -> {
                    assertThat(a.tagValues("room")).containsExactlyInAnyOrder(R1, R2);
                    // 23:30 Monday local is still Monday; 00:30 Tuesday local (Monday 16:30 UTC) is Tuesday
                    perDay(a.tagged("room", R1), Map.of(day(MON), 3L, day(TUE), 1L));
                    perDay(a.tagged("room", R2), Map.of(day(WED), 1L));
                }),
                entry("3A", a -> perDay(a.single(), Map.of(day(MON), 1L, day(TUE), 1L))),   // individual
                entry("3B", a -> perDay(a.single(), Map.of(day(MON), 1L))),                  // group
                entry("3C", a -> perDay(a.single(), Map.of(day(WED), 1L))),                  // relaxation
                entry("3D", nothing()),                                                       // self-help
                entry("3E", nothing()),                                                       // appointment
                entry("4A", a -> perDay(a.single(), Map.of(day(TUE), 1L))),                  // primary
                entry("4B", a -> perDay(a.single(), Map.of(day(MON), 2L))),                  // junior
                entry("4C", a -> perDay(a.single(), Map.of(day(MON), 1L))),                  // senior
                entry("5A", a -> {
                    assertThat(a.series()).hasSize(4);
                    perDay(series(a, R1, "staff_open"), Map.of(day(MON), 2L));
                    perDay(series(a, R1, "staff_close"), Map.of(day(MON), 2L));
                    perDay(series(a, R2, "staff_open"), Map.of(day(WED), 1L));
                    perDay(series(a, R2, "staff_close"), Map.of(day(WED), 1L));
                }),
                entry("6A", a -> perDay(a.tagged("room", R1), Map.of(day(MON), 3L))),
                entry("6B", a -> perDay(a.tagged("room", R1), Map.of(day(MON), 3L))),
                entry("7A", a -> {
                    var s = a.tagged("room", R1);
                    assertThat(a.series()).hasSize(1);
                    assertThat(s.byTime("occupied")).containsExactly(
                            entry(at(MON, 8, 0), bool(true)), entry(at(MON, 8, 20), bool(false)),
                            entry(at(MON, 9, 10), bool(true)), entry(at(MON, 10, 0), bool(false)),
                            entry(at(MON, 15, 0), bool(true)), entry(at(MON, 15, 5), bool(false)));
                }),
                entry("8A", a -> {
                    var s = a.single();
                    assertThat(s.columns()).containsExactly("time", "kind", "room", "device", "synced");
                    assertThat(s.rows()).as("every non-heartbeat event of the week").hasSize(16 + 5 + 1);
                    assertThat(List.of(kindAt(s, 0), kindAt(s, 1), kindAt(s, 2), kindAt(s, 3), kindAt(s, 4), kindAt(s, 5)))
                            .containsExactly(
                                    "staff_close@" + at(WED, 10, 0), "checkin@" + at(WED, 9, 30),
                                    "staff_open@" + at(WED, 9, 0), "checkin@" + at(TUE, 0, 30),
                                    "checkin@" + at(MON, 23, 30), "staff_close@" + at(MON, 15, 40));
                    assertThat(s.cell(3, "room").asText()).isEqualTo(R1);
                }));
    }

    private static String kindAt(InfluxAnswer.Series s, int row) {
        return s.cell(row, "kind").asText() + "@" + Instant.ofEpochMilli(s.cell(row, "time").asLong());
    }

    private static com.fasterxml.jackson.databind.JsonNode bool(boolean b) {
        return com.fasterxml.jackson.databind.node.BooleanNode.valueOf(b);
    }

    private static InfluxAnswer.Series series(InfluxAnswer a, String room, String kind) {
        return a.series().stream().filter(s -> room.equals(s.tags().get("room")) && kind.equals(s.tags().get("kind")))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + room + "/" + kind));
    }

    @Test
    void choosingOneRoomShowsOnlyItsCheckIns() {
        InfluxAnswer a = answer(2, "A", Map.of("room", List.of(R1)));

        assertThat(a.tagValues("room")).containsExactly(R1);
        assertThat(a.single().nonZero("count")).containsExactly(entry(day(MON), 3L), entry(day(TUE), 1L));
    }

    @Test
    void choosingACountyNarrowsEveryPanelToItsRooms() {
        assertThat(answer(1, "A", Map.of("county", List.of("掇刀区"))).series()).as("no check-in in county 掇刀区").isEmpty();
        assertThat(answer(1, "A", Map.of("county", List.of("东宝区"))).single().cell(0, "count").asLong()).isEqualTo(5);
        assertThat(answer(1, "A", Map.of("school", List.of("jm-db-002"))).single().cell(0, "count").asLong()).isEqualTo(1);
    }

    @Test
    void oneDayRangeCountsOnlyThatLocalDay() {
        GrafanaTemplating tuesday = new GrafanaTemplating(GrafanaFolder.dashboard(uid()), day(TUE),
                day(WED).minusMillis(1), INTERVAL, Map.of(), q -> ask(q).showTagValues());
        String query = GrafanaFolder.dashboard(uid()).path("panels").get(0).path("targets").get(0).path("query").asText();

        assertThat(ask(tuesday.panelQuery(query)).single().cell(0, "count").asLong()).isEqualTo(1);
    }
}
