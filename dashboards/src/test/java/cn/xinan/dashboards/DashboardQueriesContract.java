package cn.xinan.dashboards;

import cn.xinan.testing.InfluxServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every panel query of one dashboard, interpolated the way Grafana does, against a real InfluxDB holding
 * {@link KnownData} written by the collector's store, and checks the answer against the numbers that data must
 * give. A panel target without an expectation fails: a new panel cannot go in untested.
 */
abstract class DashboardQueriesContract {
    /** The interval Grafana would pick for a week on a wide panel is 10–15 min; one hour keeps answers small. */
    static final String INTERVAL = "1h";

    static InfluxServer influx;
    static KnownData data;

    @BeforeAll
    static void startInfluxWithKnownData() {
        influx = InfluxServer.startServer();
        data = KnownData.writeTo(influx.url());
    }

    @AfterAll
    static void stopInflux() {
        if (influx != null) {
            influx.close();
        }
    }

    abstract String uid();

    /** Assertions per target, keyed {@code <panel id><refId>} ("2A"), for the week 2025-W10 with every variable on All. */
    abstract Map<String, Consumer<InfluxAnswer>> weekWithAllRooms();

    static InfluxAnswer ask(String influxQl) {
        return InfluxAnswer.ask(influx.url(), KnownData.DATABASE, influxQl);
    }

    GrafanaTemplating templating(Map<String, List<String>> chosen) {
        return new GrafanaTemplating(GrafanaFolder.dashboard(uid()), KnownData.WEEK_FROM, KnownData.WEEK_TO, INTERVAL,
                chosen, q -> ask(q).showTagValues());
    }

    /** The answer to one panel target with these variable choices (others on All). */
    InfluxAnswer answer(int panelId, String refId, Map<String, List<String>> chosen) {
        GrafanaTemplating t = templating(chosen);
        for (JsonNode p : GrafanaFolder.dashboard(uid()).path("panels")) {
            for (JsonNode target : p.path("targets")) {
                if (p.path("id").asInt() == panelId && target.path("refId").asText().equals(refId)) {
                    return ask(t.panelQuery(target.path("query").asText()));
                }
            }
        }
        throw new AssertionError("no target " + panelId + refId + " in " + uid());
    }

    @TestFactory
    List<DynamicTest> everyPanelQueryGivesTheKnownNumbersForTheWeek() {
        GrafanaTemplating t = templating(Map.of());
        Map<String, Consumer<InfluxAnswer>> expected = weekWithAllRooms();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode p : GrafanaFolder.dashboard(uid()).path("panels")) {
            for (JsonNode target : p.path("targets")) {
                String key = p.path("id").asInt() + target.path("refId").asText();
                String query = t.panelQuery(target.path("query").asText());
                tests.add(DynamicTest.dynamicTest(key + " " + p.path("title").asText(), () -> {
                    assertThat(expected).as("an expectation for target " + key + " of " + uid()).containsKey(key);
                    expected.get(key).accept(ask(query));
                }));
            }
        }
        return tests;
    }

    @Test
    void everyExpectationNamesATargetOfTheDashboard() {
        Set<String> targets = new TreeSet<>();
        for (JsonNode p : GrafanaFolder.dashboard(uid()).path("panels")) {
            p.path("targets").forEach(target -> targets.add(p.path("id").asInt() + target.path("refId").asText()));
        }

        assertThat(targets).containsAll(weekWithAllRooms().keySet());
    }

    @Test
    void theCountySchoolAndRoomVariablesCascadeFromTheRegistryTagsOfTheFigures() {
        // the same county names as the compliance dashboard: the registry's, as the collector tags its figures
        assertThat(templating(Map.of()).values("county")).containsExactly("东宝区", "掇刀区");
        assertThat(templating(Map.of("county", List.of("东宝区"))).values("school")).containsExactly("jm-db-001", "jm-db-002");
        assertThat(templating(Map.of("county", List.of("掇刀区"))).values("room")).containsExactly(KnownData.R3);
        assertThat(templating(Map.of("school", List.of("jm-db-001", "jm-dd-001"))).values("room"))
                .containsExactly(KnownData.R1, KnownData.R3);
    }

    @Test
    void theQueriedMeasurementsHaveExactlyTheTagsAndFieldsTheDashboardsWereCheckedAgainst() {
        for (String measurement : List.of("events", "quarantine", "room_day", "room_week", "rooms")) {
            String from = " FROM \"" + KnownData.retentionPolicyOf(measurement) + "\".\"" + measurement + "\"";
            Set<String> fields = new TreeSet<>();
            for (var s : ask("SHOW FIELD KEYS" + from).series()) {
                s.rows().forEach(r -> fields.add(r.get(0).asText()));
            }
            Set<String> tags = new TreeSet<>();
            for (var s : ask("SHOW TAG KEYS" + from).series()) {
                s.rows().forEach(r -> tags.add(r.get(0).asText()));
            }

            assertThat(fields).as("fields the collector wrote to " + measurement + " (a new one needs a privacy review here)")
                    .isEqualTo(InfluxQlIdentifiers.FIELDS_WRITTEN.get(measurement));
            assertThat(tags).as("tags of " + measurement).isEqualTo(InfluxQlIdentifiers.TAGS.get(measurement));
        }
    }
}
