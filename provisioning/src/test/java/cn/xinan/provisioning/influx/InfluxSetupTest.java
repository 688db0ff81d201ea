package cn.xinan.provisioning.influx;

import cn.xinan.testing.InfluxServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generated InfluxDB set-up applied to a real InfluxDB 1.x with authentication on. */
class InfluxSetupTest {
    private static final InfluxSetup SETUP = new InfluxSetup("xinan", "xinan", "1095d", "xinan_derived", "INF",
            "xinan-collector", "collector-secret", "xinan-grafana", "grafana-secret");
    /** A point time inside the 1095-day policy (ns). */
    private static final long T0 = (System.currentTimeMillis() - 86_400_000L) * 1_000_000L;

    private record Answer(int status, String body) {
    }

    private static Answer http(InfluxServer influx, String path, String user, String password, String body) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(influx.url() + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (user != null) {
                req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            if (path.startsWith("/query")) {
                req.header("Content-Type", "application/x-www-form-urlencoded");
            }
            HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(res.statusCode(), res.body());
        }
    }

    private static Answer query(InfluxServer influx, String user, String password, String q) throws Exception {
        return http(influx, "/query?db=xinan", user, password, "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
    }

    private static Answer write(InfluxServer influx, String user, String password, String line) throws Exception {
        return http(influx, "/write?db=xinan&rp=xinan", user, password, line);
    }

    @Test
    void theCollectorWritesAndGrafanaReadsButCannotWrite() throws Exception {
        try (InfluxServer influx = InfluxServer.startWithAuth()) {
            InfluxSetup.Applied applied = SETUP.apply(influx.url(), "admin", "admin-secret");
            assertThat(applied.steps()).first().asString().contains("created the admin user admin");

            // what the collector does at start (InfluxEventStore): it finds its database and policy without admin rights
            assertThat(query(influx, "xinan-collector", "collector-secret", "SHOW DATABASES").body()).contains("\"xinan\"");
            assertThat(query(influx, "xinan-collector", "collector-secret", "SHOW RETENTION POLICIES ON \"xinan\"").body())
                    .contains("[\"xinan\",\"26280h0m0s\"", "[\"xinan_derived\",\"0s\"");
            assertThat(write(influx, "xinan-collector", "collector-secret", "events,room=r1 seq=1i " + T0)
                    .status()).isEqualTo(204);
            assertThat(query(influx, "xinan-collector", "collector-secret", "SELECT seq FROM \"xinan\".\"events\"").body())
                    .contains("\"seq\"],\"values\":[[");
            assertThat(query(influx, "xinan-collector", "collector-secret", "CREATE DATABASE other").body())
                    .contains("error");

            assertThat(query(influx, "xinan-grafana", "grafana-secret", "SELECT seq FROM \"xinan\".\"events\"").body())
                    .contains("\"seq\"").doesNotContain("error");
            Answer grafanaWrite = write(influx, "xinan-grafana", "grafana-secret", "events,room=r1 seq=2i " + (T0 + 1_000_000_000L));
            assertThat(grafanaWrite.status()).isEqualTo(403);
            assertThat(query(influx, "xinan-grafana", "grafana-secret", "DROP MEASUREMENT \"events\"").body())
                    .contains("error");
            assertThat(query(influx, "xinan-collector", "collector-secret", "SELECT count(seq) FROM \"xinan\".\"events\"")
                    .body()).contains(",1]");

            assertThat(write(influx, null, null, "events,room=r1 seq=3i " + (T0 + 2_000_000_000L)).status()).isEqualTo(401);
            assertThat(write(influx, "xinan-collector", "wrong", "events,room=r1 seq=3i " + (T0 + 2_000_000_000L)).status())
                    .isEqualTo(401);
        }
    }

    @Test
    void applyingAgainKeepsTheDataAndSetsNewPasswords() throws Exception {
        try (InfluxServer influx = InfluxServer.startWithAuth()) {
            SETUP.apply(influx.url(), "admin", "admin-secret");
            assertThat(write(influx, "xinan-collector", "collector-secret", "events,room=r1 seq=1i " + T0)
                    .status()).isEqualTo(204);
            InfluxSetup renewed = new InfluxSetup("xinan", "xinan", "INF", "xinan_derived", "INF", "xinan-collector",
                    "new-collector-secret", "xinan-grafana", "new-grafana-secret");
            InfluxSetup.Applied again = renewed.apply(influx.url(), "admin", "admin-secret");
            assertThat(again.steps()).contains("raw retention policy xinan kept, duration set to INF",
                    "derived retention policy xinan_derived kept, duration set to INF");
            assertThat(write(influx, "xinan-collector", "collector-secret", "events,room=r1 seq=2i " + (T0 + 1_000_000_000L))
                    .status()).isEqualTo(401);
            assertThat(query(influx, "xinan-grafana", "new-grafana-secret", "SELECT count(seq) FROM \"xinan\".\"events\"")
                    .body()).contains(",1]");
            assertThatThrownBy(() -> renewed.apply(influx.url(), "admin", "wrong-admin-password"))
                    .hasMessageContaining("SHOW USERS");
        }
    }

    @Test
    void theScriptNamesEveryStatementAndTheGrafanaFileTheReadOnlyUser() {
        assertThat(SETUP.script()).contains(
                "CREATE DATABASE \"xinan\"",
                "CREATE RETENTION POLICY \"xinan\" ON \"xinan\" DURATION 1095d REPLICATION 1",
                "CREATE RETENTION POLICY \"xinan_derived\" ON \"xinan\" DURATION INF REPLICATION 1",
                "CREATE USER \"xinan-collector\" WITH PASSWORD 'collector-secret'",
                "GRANT ALL ON \"xinan\" TO \"xinan-collector\"",
                "GRANT READ ON \"xinan\" TO \"xinan-grafana\"");
        assertThat(GrafanaDatasource.yaml("http://influx:8086", SETUP)).contains("uid: xinan-influxdb",
                "user: \"xinan-grafana\"", "password: \"grafana-secret\"", "dbName: \"xinan\"");
        assertThatThrownBy(() -> new InfluxSetup("xinan", "xinan", "3 years", "xinan_derived", "INF", "a", "p", "b", "q"))
                .hasMessageContaining("raw retention duration '3 years'");
        assertThatThrownBy(() -> new InfluxSetup("xinan", "xinan", "30d", "xinan_derived", "INF", "a", "p", "b", "q"))
                .hasMessageContaining("shorter than 400 days");
        assertThatThrownBy(() -> new InfluxSetup("xinan", "xinan", "1095d", "xinan_derived", "52w", "a", "p", "b", "q"))
                .hasMessageContaining("derived retention duration '52w' is shorter than the raw one '1095d'");
        assertThatThrownBy(() -> new InfluxSetup("xinan", "xinan", "1095d", "xinan", "INF", "a", "p", "b", "q"))
                .hasMessageContaining("two different names");
    }
}
