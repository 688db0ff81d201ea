package cn.xinan.provisioning.influx;

/**
 * Grafana's data source provisioning file with the read-only InfluxDB user of {@link InfluxSetup}: the same data
 * source as dashboards/src/main/grafana/provisioning/datasources/xinan-influxdb.yaml (same uid, so the dashboards
 * find it), with the user and password written in instead of taken from the environment.
 */
public final class GrafanaDatasource {
    public static final String FILE = "xinan-influxdb.yaml";

    private GrafanaDatasource() {
    }

    public static String yaml(String influxUrl, InfluxSetup setup) {
        return """
                # Grafana data source for Xin'an, made by `xinan provision influxdb` (docs/provisioning.md).
                # Secret: holds the read-only InfluxDB password. Copy to /etc/grafana/provisioning/datasources/
                # (owner root:grafana, mode 640) in place of the file with the same name from dashboards/.
                apiVersion: 1

                datasources:
                  - name: Xin'an InfluxDB
                    uid: xinan-influxdb
                    type: influxdb
                    access: proxy
                    url: %s
                    isDefault: false
                    editable: false
                    user: %s
                    jsonData:
                      version: InfluxQL
                      dbName: %s
                      httpMode: POST
                      timeInterval: 60s
                    secureJsonData:
                      password: %s
                """.formatted(quote(influxUrl), quote(setup.grafanaUser()), quote(setup.database()),
                quote(setup.grafanaPassword()));
    }

    /** A YAML double-quoted scalar; {@code $} doubled so Grafana does not expand it as an environment variable. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$") + "\"";
    }
}
