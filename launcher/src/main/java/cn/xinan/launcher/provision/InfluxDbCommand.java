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
import java.util.concurrent.Callable;

/** {@code xinan provision influxdb}: the InfluxDB set-up as a script, Grafana's data source, and optionally applied. */
@Command(name = "influxdb", mixinStandardHelpOptions = true,
        description = "Writes the InfluxDB 1.x set-up (database, retention policy, a read-write user for the collector, "
                + "a read-only user for Grafana) to DIR/secrets/influxdb-setup.influxql and Grafana's data source to "
                + "DIR/secrets/grafana/xinan-influxdb.yaml; with --apply also applies it to a running InfluxDB.")
final class InfluxDbCommand implements Callable<Integer> {
    static final String ADMIN_PASSWORD_ENV = "XINAN_INFLUXDB_ADMIN_PASSWORD";

    @Mixin
    DistrictOptions district;

    @Option(names = "--database", defaultValue = "xinan", description = "the collector's store.influxdb.database (default: ${DEFAULT-VALUE})")
    String database;

    @Option(names = "--retention-policy", defaultValue = "xinan",
            description = "the collector's store.influxdb.retention-policy (default: ${DEFAULT-VALUE})")
    String retentionPolicy;

    @Option(names = "--keep", defaultValue = "INF", paramLabel = "DURATION",
            description = "how long InfluxDB keeps events, quarantine and figures: INF or e.g. 1095d (default: ${DEFAULT-VALUE})")
    String keep;

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
        String collectorPassword = d.readSecret("influxdb-collector.password")
                .orElseGet(() -> MosquittoPasswordHash.newPassword(random));
        String grafanaPassword = d.readSecret("influxdb-grafana.password")
                .orElseGet(() -> MosquittoPasswordHash.newPassword(random));
        InfluxSetup setup = new InfluxSetup(database, retentionPolicy, keep, collectorUser, collectorPassword,
                grafanaUser, grafanaPassword);
        d.writeSecret("influxdb-collector.password", collectorPassword + "\n");
        d.writeSecret("influxdb-grafana.password", grafanaPassword + "\n");
        Path script = d.writeSecret("influxdb-setup.influxql", setup.script());
        Path grafana = d.dir().resolve("secrets").resolve("grafana");
        Files.createDirectories(grafana);
        Path datasource = grafana.resolve(GrafanaDatasource.FILE);
        Files.writeString(datasource, GrafanaDatasource.yaml(url, setup));
        Files.setPosixFilePermissions(datasource, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        System.out.println("InfluxDB set-up: " + script);
        System.out.println("Grafana data source (read-only user " + grafanaUser + "): " + datasource);
        System.out.println("Collector: store.influxdb.username " + collectorUser + ", password in "
                + d.dir().resolve("secrets").resolve("influxdb-collector.password"));
        if (!apply) {
            return 0;
        }
        String adminPassword = adminPassword();
        try {
            InfluxSetup.Applied applied = setup.apply(url, adminUser, adminPassword);
            System.out.println("Applied to " + url + ":");
            applied.steps().forEach(s -> System.out.println("  " + s));
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("xinan: " + e.getMessage());
            return 1;
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
