package cn.xinan.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every dashboard file is a Grafana dashboard by the rules that can be checked without Grafana: structure,
 * ids, data source references, layout, variable references, and the fields each query may touch.
 */
class DashboardJsonTest {
    /** The panel types the dashboards use; each is a core Grafana panel, no plugin to install. */
    private static final Set<String> CORE_PANELS = Set.of("stat", "timeseries", "table", "state-timeline", "bargauge");

    static List<Path> dashboards() {
        return GrafanaFolder.dashboardFiles();
    }

    @Test
    void theFolderHoldsTheRoomUsageAndFleetHealthDashboards() {
        List<String> uids = dashboards().stream().map(f -> GrafanaFolder.read(f).path("uid").asText()).toList();

        assertThat(uids).containsExactlyInAnyOrder("xinan-room-usage", "xinan-fleet-health", "xinan-compliance");
    }

    @Test
    void dashboardUidsAndTitlesAreUniqueAcrossTheFolder() {
        List<JsonNode> all = dashboards().stream().map(GrafanaFolder::read).toList();

        assertThat(all.stream().map(d -> d.path("uid").asText()).toList()).doesNotHaveDuplicates();
        assertThat(all.stream().map(d -> d.path("title").asText()).toList()).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void hasTheTopLevelFieldsGrafanaNeeds(Path file) {
        JsonNode d = GrafanaFolder.read(file);

        assertThat(d.path("title").asText()).as("title").isNotBlank();
        assertThat(d.path("uid").asText()).as("uid").matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(d.path("schemaVersion").isInt()).as("schemaVersion is a number").isTrue();
        assertThat(d.path("schemaVersion").asInt()).as("schemaVersion (Grafana 10.4+)").isGreaterThanOrEqualTo(39);
        assertThat(d.path("panels").isArray() && !d.path("panels").isEmpty()).as("panels").isTrue();
        assertThat(d.path("templating").path("list").isArray()).as("templating.list").isTrue();
        assertThat(d.path("time").path("from").asText()).as("time.from").isNotBlank();
        assertThat(d.path("timezone").asText()).as("days are local days").isEqualTo("Asia/Shanghai");
        assertThat(d.has("id")).as("no numeric id: Grafana assigns it, a fixed one clashes on import").isFalse();
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void panelsHaveUniqueIdsACorePanelTypeAndALayoutInsideTheGrid(Path file) {
        JsonNode d = GrafanaFolder.read(file);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            String title = p.path("title").asText();
            assertThat(p.path("id").isInt()).as("numeric id of " + title).isTrue();
            assertThat(ids.add(p.path("id").asInt())).as("unique id of " + title).isTrue();
            assertThat(title).as("panel title").isNotBlank();
            assertThat(CORE_PANELS).as("panel type of " + title).contains(p.path("type").asText());
            JsonNode g = p.path("gridPos");
            for (String k : List.of("x", "y", "w", "h")) {
                assertThat(g.path(k).isInt()).as("gridPos." + k + " of " + title).isTrue();
            }
            assertThat(g.path("x").asInt() + g.path("w").asInt()).as("panel inside the 24 columns: " + title)
                    .isBetween(1, 24);
            assertThat(g.path("h").asInt()).as("height of " + title).isPositive();
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void panelsDoNotOverlap(Path file) {
        List<int[]> boxes = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode p : GrafanaFolder.read(file).path("panels")) {
            JsonNode g = p.path("gridPos");
            int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            for (int i = 0; i < boxes.size(); i++) {
                int[] o = boxes.get(i);
                boolean overlap = box[0] < o[0] + o[2] && o[0] < box[0] + box[2] && box[1] < o[1] + o[3] && o[1] < box[1] + box[3];
                assertThat(overlap).as(p.path("title").asText() + " overlaps " + titles.get(i)).isFalse();
            }
            boxes.add(box);
            titles.add(p.path("title").asText());
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void everyPanelTargetAndQueryVariableUsesTheProvisionedDataSource(Path file) {
        JsonNode d = GrafanaFolder.read(file);
        for (JsonNode p : d.path("panels")) {
            String title = p.path("title").asText();
            assertDataSource(p.path("datasource"), "panel " + title);
            assertThat(p.path("targets").isArray() && !p.path("targets").isEmpty()).as("targets of " + title).isTrue();
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : p.path("targets")) {
                assertDataSource(t.path("datasource"), "target " + t.path("refId").asText() + " of " + title);
                assertThat(refIds.add(t.path("refId").asText())).as("unique refId in " + title).isTrue();
                assertThat(t.path("rawQuery").asBoolean()).as("raw InfluxQL in " + title).isTrue();
                assertThat(t.path("query").asText()).as("query of " + title).isNotBlank();
                assertThat(t.path("resultFormat").asText()).as("resultFormat of " + title).isIn("time_series", "table");
            }
        }
        for (JsonNode v : d.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                assertDataSource(v.path("datasource"), "variable " + v.path("name").asText());
            }
        }
    }

    private static void assertDataSource(JsonNode ds, String where) {
        assertThat(ds.path("uid").asText()).as("data source uid of " + where).isEqualTo(GrafanaFolder.DATASOURCE_UID);
        assertThat(ds.path("type").asText()).as("data source type of " + where).isEqualTo("influxdb");
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void variablesAreUniqueAndQueriesUseOnlyVariablesDefinedBeforeThemOrGrafanasMacros(Path file) {
        JsonNode d = GrafanaFolder.read(file);
        List<String> defined = new ArrayList<>();
        for (JsonNode v : d.path("templating").path("list")) {
            String name = v.path("name").asText();
            assertThat(name).as("variable name").matches("\\w+");
            assertThat(defined).as("variable names are unique").doesNotContain(name);
            assertThat(v.path("type").asText()).as("type of $" + name).isIn("constant", "query");
            if (v.path("type").asText().equals("query")) {
                String q = v.path("query").asText();
                assertThat(q).as("query of $" + name).startsWith("SHOW TAG VALUES FROM ");
                assertThat(GrafanaTemplating.referencedNames(q)).as("variables used by $" + name)
                        .allSatisfy(used -> assertThat(defined).as("$" + used + " defined before $" + name).contains(used));
                if (!v.path("regex").asText().isEmpty()) {
                    GrafanaTemplating.jsRegex(v.path("regex").asText());
                }
            }
            defined.add(name);
        }
        for (JsonNode p : d.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                for (String used : GrafanaTemplating.referencedNames(t.path("query").asText())) {
                    if (!GrafanaTemplating.MACROS.contains(used)) {
                        assertThat(defined).as("$" + used + " in " + p.path("title").asText()).contains(used);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void everyQueryTouchesOnlyTheTagsAndFieldsDashboardsMayShow(Path file) {
        JsonNode d = GrafanaFolder.read(file);
        List<String> queries = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            p.path("targets").forEach(t -> queries.add(t.path("query").asText()));
        }
        for (JsonNode v : d.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                queries.add(v.path("query").asText());
            }
        }
        for (String q : queries) {
            InfluxQlIdentifiers.Reference ref = InfluxQlIdentifiers.read(q);
            // events and quarantine in the raw policy, the figures in the derived one (docs/provisioning.md)
            assertThat(ref.retentionPolicy()).as("retention policy of " + q).isEqualTo(
                    KnownData.retentionPolicyOf(ref.measurement()).equals(KnownData.RETENTION_POLICY) ? "$rp" : "$derived");
            assertThat(InfluxQlIdentifiers.TAGS).as("measurement of " + q).containsKey(ref.measurement());
            Set<String> allowed = new HashSet<>(InfluxQlIdentifiers.TAGS.get(ref.measurement()));
            allowed.addAll(InfluxQlIdentifiers.FIELDS_SHOWN.get(ref.measurement()));
            assertThat(ref.identifiers()).as("tags and fields of " + q).isNotEmpty().isSubsetOf(allowed);
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void dailyCountsAreCountedInLocalDays(Path file) {
        for (JsonNode p : GrafanaFolder.read(file).path("panels")) {
            for (JsonNode t : p.path("targets")) {
                String q = t.path("query").asText();
                if (q.contains("time(1d)") && !q.contains("tz('Asia/Shanghai')")) {
                    fail("a day is a local day (docs/rules.md §1), add tz('Asia/Shanghai'): " + q);
                }
            }
        }
    }
}
