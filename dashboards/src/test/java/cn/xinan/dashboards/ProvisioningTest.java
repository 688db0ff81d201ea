package cn.xinan.dashboards;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The provisioning files parse, provide the data source the dashboards name, and load the dashboards folder. */
class ProvisioningTest {
    /** Where docs/dashboards.md copies the dashboard JSON files. */
    private static final String INSTALLED_DASHBOARDS = "/var/lib/grafana/dashboards/xinan";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void theDataSourceIsAnInfluxQlSourceWithTheUidTheDashboardsNameAndTheCollectorsDatabase() throws IOException {
        List<Path> files = GrafanaFolder.list(GrafanaFolder.DATASOURCES, ".yaml");
        assertThat(files).hasSize(1);
        Map<String, Object> doc = yaml(files.getFirst());

        assertThat(doc.get("apiVersion")).isEqualTo(1);
        List<Map<String, Object>> sources = list(doc.get("datasources"));
        assertThat(sources).hasSize(1);
        Map<String, Object> ds = sources.getFirst();
        assertThat(ds).containsEntry("uid", GrafanaFolder.DATASOURCE_UID).containsEntry("type", "influxdb")
                .containsEntry("access", "proxy").containsKey("name");
        assertThat((String) ds.get("url")).startsWith("http");
        Map<String, Object> json = map(ds.get("jsonData"));
        assertThat(json).containsEntry("version", "InfluxQL")
                .as("the collector's default store.influxdb.database").containsEntry("dbName", KnownData.DATABASE)
                .containsEntry("httpMode", "POST");
        assertThat(map(ds.get("secureJsonData")).get("password")).as("the password comes from the environment")
                .isEqualTo("$XINAN_INFLUXDB_PASSWORD");
    }

    @Test
    void theProviderLoadsTheDashboardsFolderFromThePathTheDocsCopyItTo() throws IOException {
        List<Path> files = GrafanaFolder.list(GrafanaFolder.PROVIDERS, ".yaml");
        assertThat(files).hasSize(1);
        Map<String, Object> doc = yaml(files.getFirst());

        assertThat(doc.get("apiVersion")).isEqualTo(1);
        List<Map<String, Object>> providers = list(doc.get("providers"));
        assertThat(providers).hasSize(1);
        Map<String, Object> p = providers.getFirst();
        assertThat(p).containsEntry("type", "file").containsEntry("allowUiUpdates", false).containsKey("folder");
        assertThat(map(p.get("options"))).containsEntry("path", INSTALLED_DASHBOARDS);
        assertThat(GrafanaFolder.dashboardFiles()).as("dashboards to load").isNotEmpty();
        String docs = Files.readString(Path.of("../docs/dashboards.md"));
        assertThat(docs).as("docs/dashboards.md copies the dashboards to the provider's path")
                .contains("dashboards/*.json " + INSTALLED_DASHBOARDS + "/");
    }

    @Test
    void theDashboardsAskForTheRetentionPolicyTheCollectorWrites() {
        for (Path file : GrafanaFolder.dashboardFiles()) {
            var rp = GrafanaFolder.read(file).path("templating").path("list").get(0);
            assertThat(rp.path("name").asText()).isEqualTo("rp");
            assertThat(rp.path("query").asText()).as("store.influxdb.retention-policy default").isEqualTo(KnownData.RETENTION_POLICY);
            var derived = GrafanaFolder.read(file).path("templating").path("list").get(1);
            assertThat(derived.path("name").asText()).isEqualTo("derived");
            assertThat(derived.path("query").asText()).as("store.influxdb.derived-retention-policy default")
                    .isEqualTo(KnownData.DERIVED_RETENTION_POLICY)
                    .isEqualTo(cn.xinan.provisioning.influx.InfluxSetup.DEFAULT_DERIVED_POLICY);
            assertThat(rp.path("query").asText()).isEqualTo(cn.xinan.provisioning.influx.InfluxSetup.DEFAULT_RAW_POLICY);
        }
    }
}
