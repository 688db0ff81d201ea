package cn.xinan.launcher.provision;

import cn.xinan.launcher.UserInputException;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.broker.MosquittoPasswordHash;
import cn.xinan.provisioning.influx.GrafanaDatasource;
import cn.xinan.provisioning.influx.InfluxSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code xinan provision influxdb}: the InfluxDB set-up as a script, Grafana's data source, and optionally applied. */
@Command(name = "influxdb", mixinStandardHelpOptions = true,
        description = "Writes the InfluxDB 1.x set-up (database, a raw retention policy for the events kept for the audit "
                + "period, a derived one kept longer for the day summaries and figures, a read-write user for the "
                + "collector, a read-only user for Grafana) to DIR/secrets/influxdb-setup.influxql and Grafana's data "
                + "source to DIR/secrets/grafana/xinan-influxdb.yaml; with --apply also applies it to a running InfluxDB.")
final class InfluxDbCommand implements Callable<Integer> {
    static final String ADMIN_PASSWORD_ENV = "XINAN_INFLUXDB_ADMIN_PASSWORD";

    @Mixin
    DistrictOptions district;

    @Option(names = "--database", defaultValue = InfluxSetup.DEFAULT_DATABASE,
            description = "the collector's store.influxdb.database (default: ${DEFAULT-VALUE})")
    String database;

    @Option(names = "--retention-policy", defaultValue = InfluxSetup.DEFAULT_RAW_POLICY,
            description = "the raw policy: events and quarantine; the collector's store.influxdb.retention-policy "
                    + "(default: ${DEFAULT-VALUE})")
    String retentionPolicy;

    @Option(names = "--keep", defaultValue = InfluxSetup.DEFAULT_RAW_DURATION, paramLabel = "DURATION",
            description = "how long the raw policy keeps the events: the audit period, at least 400d, or INF "
                    + "(default: ${DEFAULT-VALUE}, three years)")
    String keep;

    @Option(names = "--derived-retention-policy", defaultValue = InfluxSetup.DEFAULT_DERIVED_POLICY,
            description = "the derived policy: day summaries and the dashboards' figures; the collector's "
                    + "store.influxdb.derived-retention-policy (default: ${DEFAULT-VALUE})")
    String derivedPolicy;

    @Option(names = "--keep-derived", defaultValue = InfluxSetup.DEFAULT_DERIVED_DURATION, paramLabel = "DURATION",
            description = "how long the derived policy keeps them: INF or at least --keep (default: ${DEFAULT-VALUE})")
    String keepDerived;

    @Option(names = "--collector-user", defaultValue = "xinan-collector", description = "(default: ${DEFAULT-VALUE})")
    String collectorUser;

    @Option(names = "--grafana-user", defaultValue = "xinan-grafana", description = "(default: ${DEFAULT-VALUE})")
    String grafanaUser;

    @Option(names = "--influxdb-url", defaultValue = "http://127.0.0.1:8086", paramLabel = "URL",
            description = "the InfluxDB the collector and Grafana use (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--apply", description = "apply the set-up to --influxdb-url as --admin-user")
    boolean apply;

    @Option(names = "--admin-user", defaultValue = "admin", description = "InfluxDB admin for --apply; created if the "
            + "server has no user yet (default: ${DEFAULT-VALUE})")
    String adminUser;

    @Option(names = "--admin-password-file", paramLabel = "FILE",
            description = "file holding the admin's password (or set " + ADMIN_PASSWORD_ENV + ")")
    Path adminPasswordFile;

    @Override
    public Integer call() throws IOException {
        District d = district.open();
        SecureRandom random = new SecureRandom();
        Optional<String> oldCollectorPassword = d.readSecret("influxdb-collector.password");
        String collectorPassword = oldCollectorPassword.orElseGet(() -> MosquittoPasswordHash.newPassword(random));
        String grafanaPassword = d.readSecret("influxdb-grafana.password")
                .orElseGet(() -> MosquittoPasswordHash.newPassword(random));
        Map<String, String> what = new LinkedHashMap<>();
        what.put("database", database);
        what.put("rawPolicy", retentionPolicy + " " + keep);
        what.put("derivedPolicy", derivedPolicy + " " + keepDerived);
        what.put("collectorUser", collectorUser);
        what.put("grafanaUser", grafanaUser + " (read only)");
        InfluxSetup setup;
        try {
            setup = new InfluxSetup(database, retentionPolicy, keep, derivedPolicy, keepDerived, collectorUser,
                    collectorPassword, grafanaUser, grafanaPassword);
        } catch (IllegalArgumentException e) {
            Map<String, String> refused = new LinkedHashMap<>(what);
            refused.put("reason", e.getMessage());
            d.record("influxdb-setup", "refused", refused);
            throw new UserInputException(e.getMessage());
        }
        d.writeSecret("influxdb-collector.password", collectorPassword + "\n");
        d.writeSecret("influxdb-grafana.password", grafanaPassword + "\n");
        Path script = d.writeSecret("influxdb-setup.influxql", setup.script());
        Path grafana = d.dir().resolve("secrets").resolve("grafana");
        Files.createDirectories(grafana);
        Path datasource = grafana.resolve(GrafanaDatasource.FILE);
        Files.writeString(datasource, GrafanaDatasource.yaml(url, setup));
        Files.setPosixFilePermissions(datasource, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Map<String, String> written = new LinkedHashMap<>(what);
        written.put("before", oldCollectorPassword.isPresent() ? "set-up files with these users' passwords" : "no set-up");
        written.put("after", "set-up script and Grafana data source written, passwords kept in secrets/");
        d.record("influxdb-setup", "success", written);
        System.out.println("InfluxDB set-up: " + script);
        System.out.println("  raw retention policy " + retentionPolicy + " (" + keep + "): events and quarantine; "
                + "derived " + derivedPolicy + " (" + keepDerived + "): day summaries and figures");
        System.out.println("Grafana data source (read-only user " + grafanaUser + "): " + datasource);
        System.out.println("Collector: store.influxdb.username " + collectorUser + ", password in "
                + d.dir().resolve("secrets").resolve("influxdb-collector.password") + "; store.influxdb.retention-policy "
                + retentionPolicy + ", store.influxdb.derived-retention-policy " + derivedPolicy);
        if (!apply) {
            return 0;
        }
        String adminPassword = adminPassword();
        Map<String, String> applying = new LinkedHashMap<>();
        applying.put("url", url);
        applying.putAll(what);
        try {
            InfluxSetup.Applied applied = setup.apply(url, adminUser, adminPassword);
            applying.put("admin", adminUser);
            applying.put("after", String.join("; ", applied.steps()));
            d.record("influxdb-apply", "success", applying);
            System.out.println("Applied to " + url + ":");
            applied.steps().forEach(s -> System.out.println("  " + s));
            return 0;
        } catch (IllegalStateException e) {
            applying.put("admin", adminUser);
            applying.put("reason", e.getMessage());
            d.record("influxdb-apply", "failure", applying);
            System.err.println("xinan: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            // --influxdb-url is not a URL: nothing was sent
            applying.put("admin", adminUser);
            applying.put("reason", "--influxdb-url '" + url + "': " + e.getMessage());
            d.record("influxdb-apply", "refused", applying);
            throw new UserInputException("--influxdb-url '" + url + "' is not a URL such as http://127.0.0.1:8086: "
                    + e.getMessage());
        }
    }

    private String adminPassword() throws IOException {
        if (adminPasswordFile != null) {
            if (!Files.isReadable(adminPasswordFile)) {
                throw new UserInputException("--admin-password-file " + adminPasswordFile + " cannot be read");
            }
            return Files.readString(adminPasswordFile).strip();
        }
        String env = System.getenv(ADMIN_PASSWORD_ENV);
        if (env == null || env.isEmpty()) {
            throw new UserInputException("--apply needs the admin's password: --admin-password-file FILE or " + ADMIN_PASSWORD_ENV);
        }
        return env;
    }
}
