package cn.xinan.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stand-in for Grafana's InfluxQL interpolation does what Grafana's data source does. */
class GrafanaTemplatingTest {
    private static final Instant FROM = Instant.parse("2025-03-02T16:00:00Z");
    private static final Instant TO = Instant.parse("2025-03-09T15:59:59.999Z");

    private static JsonNode dashboard(String variablesJson) throws Exception {
        return new ObjectMapper().readTree("{\"templating\": {\"list\": " + variablesJson + "}}");
    }

    private static final String VARIABLES = """
            [{"name": "rp", "type": "constant", "query": "xinan"},
             {"name": "county", "type": "query", "query": "SHOW TAG VALUES county", "regex": "/^[^-]+-([^-]+)-/",
              "multi": true, "includeAll": true, "sort": 1},
             {"name": "room", "type": "query", "query": "SHOW TAG VALUES WHERE room =~ /^[^-]+-$county-/",
              "multi": true, "includeAll": true, "sort": 1}]
            """;

    private final List<String> asked = new ArrayList<>();

    private List<String> fakeInflux(String query) {
        asked.add(query);
        return List.of("jm-dd-001-r1", "jm-db-002-r1", "jm-db-001-r1", "jm-db-001-r1.x");
    }

    @Test
    void macrosBecomeAnAbsoluteRangeInMillisecondsAndTheInterval() throws Exception {
        var t = new GrafanaTemplating(dashboard("[]"), FROM, TO, "10m", Map.of(), this::fakeInflux);

        assertThat(t.panelQuery("SELECT count(\"seq\") FROM x WHERE $timeFilter GROUP BY time($__interval), time($interval)"))
                .isEqualTo("SELECT count(\"seq\") FROM x WHERE time >= 1740931200000ms and time <= 1741535999999ms "
                        + "GROUP BY time(10m), time(10m)");
    }

    @Test
    void aConstantIsInsertedAsIsAndAllStandsForEveryOptionRegexEscaped() throws Exception {
        var t = new GrafanaTemplating(dashboard(VARIABLES), FROM, TO, "1h", Map.of(), this::fakeInflux);

        assertThat(t.values("county")).as("regex capture group, de-duplicated, sorted").containsExactly("db", "dd");
        assertThat(asked.get(1)).as("a variable query sees earlier variables in regex format")
                .isEqualTo("SHOW TAG VALUES WHERE room =~ /^[^-]+-(db|dd)-/");
        assertThat(t.panelQuery("FROM \"$rp\".\"events\" WHERE \"room\" =~ /^$room$/ AND \"room\" =~ /^${room}$/"))
                .isEqualTo("FROM \"xinan\".\"events\" WHERE \"room\" =~ /^(jm-db-001-r1|jm-db-001-r1\\.x|jm-db-002-r1|jm-dd-001-r1)$/"
                        + " AND \"room\" =~ /^(jm-db-001-r1|jm-db-001-r1\\.x|jm-db-002-r1|jm-dd-001-r1)$/");
    }

    @Test
    void oneChosenValueOfAMultiVariableIsRegexEscapedWithoutParentheses() throws Exception {
        var t = new GrafanaTemplating(dashboard(VARIABLES), FROM, TO, "1h", Map.of("room", List.of("jm-db-001-r1.x")),
                this::fakeInflux);

        assertThat(t.panelQuery("\"room\" =~ /^$room$/")).isEqualTo("\"room\" =~ /^jm-db-001-r1\\.x$/");
    }

    @Test
    void aValueTheVariableDoesNotOfferOrAnUnknownVariableFails() throws Exception {
        assertThatThrownBy(() -> new GrafanaTemplating(dashboard(VARIABLES), FROM, TO, "1h",
                Map.of("county", List.of("zz")), this::fakeInflux)).hasMessageContaining("offers [db, dd]");
        var t = new GrafanaTemplating(dashboard(VARIABLES), FROM, TO, "1h", Map.of(), this::fakeInflux);
        assertThatThrownBy(() -> t.panelQuery("WHERE \"room\" =~ /^$rooms$/")).hasMessageContaining("$rooms");
    }
}
