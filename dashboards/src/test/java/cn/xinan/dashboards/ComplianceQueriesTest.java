package cn.xinan.dashboards;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static cn.xinan.dashboards.KnownData.R1;
import static cn.xinan.dashboards.KnownData.R2;
import static cn.xinan.dashboards.KnownData.R3;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compliance dashboard on the figures the collector's FiguresWriter wrote from {@link KnownData} (week 2025-W10,
 * every working day a school day). Verdicts of the 15 school days: jm-db-001-r1 Mon MET (the worked example, 6,600 s),
 * Tue NOT_MET (alive, never open), Wed–Fri NO_DATA; jm-db-002-r1 Mon NOT_MET, Tue NO_DATA, Wed NOT_MET, Thu–Fri
 * NO_DATA; jm-dd-001-r1 Mon NOT_MET, Tue–Fri NO_DATA. Every week NOT_MET. Rooms: 东宝区 示范 + 合格, 掇刀区 未评定.
 */
class ComplianceQueriesTest extends DashboardQueriesContract {
    @Override
    String uid() {
        return "xinan-compliance";
    }

    private static Consumer<InfluxAnswer> byTag(String tag, Map<String, Double> expected) {
        return a -> {
            assertThat(a.tagValues(tag)).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((value, share) ->
                    assertThat(a.tagged(tag, value).rows().get(0).get(1).asDouble()).as(tag + " " + value).isEqualTo(share));
        };
    }

    @Override
    Map<String, Consumer<InfluxAnswer>> weekWithAllRooms() {
        return Map.ofEntries(
                entry("1A", byTag("county", Map.of("东宝区", 0.1, "掇刀区", 0.0))),           // 1 of 10, 0 of 5 days
                entry("2A", byTag("county", Map.of("东宝区", 0.0, "掇刀区", 0.0))),           // 0 of 2, 0 of 1 weeks
                entry("3A", byTag("school", Map.of("jm-db-001", 0.2, "jm-db-002", 0.0, "jm-dd-001", 0.0))),
                entry("4A", byTag("school", Map.of("jm-db-001", 0.0, "jm-db-002", 0.0, "jm-dd-001", 0.0))),
                entry("5A", byTag("county", Map.of("东宝区", 1.0, "掇刀区", 0.0))),           // 合格 or above
                entry("6A", byTag("county", Map.of("东宝区", 0.5, "掇刀区", 0.0))),           // 示范
                entry("7A", a -> {
                    assertThat(a.tagValues("room")).containsExactlyInAnyOrder(R1, R2, R3);
                    for (String room : List.of(R1, R2, R3)) {
                        assertThat(a.tagged("room", room).cell(0, "weeks met").asLong()).isZero();
                        assertThat(a.tagged("room", room).cell(0, "weeks required").asLong()).isEqualTo(1);
                    }
                }),
                entry("8A", a -> {
                    assertThat(a.tagged("room", R1).cell(0, "NO_DATA days").asLong()).isEqualTo(3);
                    assertThat(a.tagged("room", R2).cell(0, "NO_DATA days").asLong()).isEqualTo(3);
                    assertThat(a.tagged("room", R3).cell(0, "NO_DATA days").asLong()).isEqualTo(4);
                }));
    }

    @Test
    void choosingACountyNarrowsTheSchoolsAndThePanels() {
        assertThat(templating(Map.of()).values("county")).containsExactly("东宝区", "掇刀区");
        assertThat(templating(Map.of("county", List.of("东宝区"))).values("school")).containsExactly("jm-db-001", "jm-db-002");
        assertThat(templating(Map.of("county", List.of("掇刀区"))).values("school")).containsExactly("jm-dd-001");

        InfluxAnswer days = answer(3, "A", Map.of("county", List.of("东宝区")));
        assertThat(days.tagValues("school")).containsExactlyInAnyOrder("jm-db-001", "jm-db-002");
        InfluxAnswer demo = answer(6, "A", Map.of("county", List.of("东宝区"), "school", List.of("jm-db-002")));
        assertThat(demo.tagged("county", "东宝区").rows().get(0).get(1).asDouble()).isEqualTo(0.0);
    }

    @Override
    @Test
    void theCountySchoolAndRoomVariablesCascadeFromTheRegistryTagsOfTheFigures() {
        // this dashboard has county and school filters only
        assertThat(templating(Map.of("county", List.of("东宝区", "掇刀区"))).values("school"))
                .containsExactly("jm-db-001", "jm-db-002", "jm-dd-001");
    }
}
