package cn.xinan.collector.store;

import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.sqlite.SqliteEventStore;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** Which store the collector uses, validated once; {@link #open()} connects (and creates what is missing). */
public sealed interface StoreSettings permits StoreSettings.Sqlite, StoreSettings.Influx {

    /** Opens the store: creates the file / database and retention policy when missing. */
    EventStore open();

    /** The embedded store: one SQLite file (WAL, synchronous=FULL). */
    record Sqlite(Path path) implements StoreSettings {
        public Sqlite {
            Objects.requireNonNull(path, "store.sqlite.path is missing");
        }

        @Override
        public EventStore open() {
            return SqliteEventStore.open(path);
        }
    }

    /**
     * InfluxDB through the v1 HTTP API (InfluxDB 1.8+, and 2.x/3.x through their v1 compatibility API). Two retention
     * policies, as {@code xinan provision influxdb} sets them up (docs/provisioning.md, "InfluxDB and Grafana"): the
     * raw one for the signed events and the quarantine (the audit's evidence), the derived one, kept longer, for what
     * is computed from them (day summaries, the dashboards' figures).
     *
     * @param url                      for example {@code http://influxdb:8086}
     * @param database                 the database; created when missing
     * @param retentionPolicy          the raw policy: events and quarantine are written to and read from it; created
     *                                 when missing
     * @param retentionDuration        InfluxQL duration of that policy when it is created ({@code 1095d}, {@code INF})
     * @param derivedRetentionPolicy   the derived policy: day summaries and figures; created when missing
     * @param derivedRetentionDuration its duration when it is created
     * @param username                 may be {@code null} (no authentication)
     * @param password                 may be {@code null}; never logged
     */
    record Influx(String url, String database, String retentionPolicy, String retentionDuration,
                  String derivedRetentionPolicy, String derivedRetentionDuration, String username,
                  String password) implements StoreSettings {
        /** The raw policy's duration the collector and {@code xinan provision influxdb} use by default: 3 years. */
        public static final String DEFAULT_RETENTION_DURATION = "1095d";
        public static final String DERIVED_SUFFIX = "_derived";
        private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_-]{1,64}");
        private static final Pattern DURATION = Pattern.compile("INF|([0-9]+(ns|u|µ|ms|s|m|h|d|w))+");

        /** The derived policy named {@code <retentionPolicy>_derived}, kept forever. */
        public Influx(String url, String database, String retentionPolicy, String retentionDuration, String username,
                      String password) {
            this(url, database, retentionPolicy, retentionDuration, retentionPolicy + DERIVED_SUFFIX, "INF", username,
                    password);
        }

        public Influx {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("store.influxdb.url is missing");
            }
            try {
                URI u = URI.create(url);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("not http(s)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("store.influxdb.url '" + url + "' must be an http:// or https:// URL");
            }
            identifier(database, "store.influxdb.database");
            identifier(retentionPolicy, "store.influxdb.retention-policy");
            identifier(derivedRetentionPolicy, "store.influxdb.derived-retention-policy");
            if (retentionPolicy.equals(derivedRetentionPolicy)) {
                throw new IllegalArgumentException("store.influxdb.derived-retention-policy '" + derivedRetentionPolicy
                        + "' must differ from store.influxdb.retention-policy");
            }
            duration(retentionDuration, "store.influxdb.retention-duration");
            duration(derivedRetentionDuration, "store.influxdb.derived-retention-duration");
            if (username != null && username.isBlank()) {
                username = null;
            }
        }

        private static void duration(String value, String key) {
            if (value == null || !DURATION.matcher(value).matches()) {
                throw new IllegalArgumentException(key + " '" + value + "' must be an InfluxQL duration such as 1095d, or INF");
            }
        }

        @Override
        public EventStore open() {
            return InfluxEventStore.open(this);
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Influx[url=" + url + ", database=" + database + ", retentionPolicy=" + retentionPolicy
                    + ", retentionDuration=" + retentionDuration + ", derivedRetentionPolicy=" + derivedRetentionPolicy
                    + ", derivedRetentionDuration=" + derivedRetentionDuration + ", username=" + username + ", password="
                    + (password == null ? "(none)" : "****") + "]";
        }

        private static void identifier(String value, String key) {
            if (value == null || !IDENTIFIER.matcher(value).matches()) {
                throw new IllegalArgumentException(key + " '" + value + "' must be 1 to 64 characters of A-Z a-z 0-9 _ -");
            }
        }
    }
}
