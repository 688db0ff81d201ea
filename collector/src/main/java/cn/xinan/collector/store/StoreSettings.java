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
     * InfluxDB through the v1 HTTP API (InfluxDB 1.8+, and 2.x/3.x through their v1 compatibility API).
     *
     * @param url               for example {@code http://influxdb:8086}
     * @param database          the database; created when missing
     * @param retentionPolicy   the retention policy written to and read from; created when missing
     * @param retentionDuration InfluxQL duration of that policy when it is created, {@code INF} keeps everything
     * @param username          may be {@code null} (no authentication)
     * @param password          may be {@code null}; never logged
     */
    record Influx(String url, String database, String retentionPolicy, String retentionDuration, String username,
                  String password) implements StoreSettings {
        private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_-]{1,64}");
        private static final Pattern DURATION = Pattern.compile("INF|([0-9]+(ns|u|µ|ms|s|m|h|d|w))+");

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
            if (retentionDuration == null || !DURATION.matcher(retentionDuration).matches()) {
                throw new IllegalArgumentException("store.influxdb.retention-duration '" + retentionDuration
                        + "' must be an InfluxQL duration such as 520w, or INF");
            }
            if (username != null && username.isBlank()) {
                username = null;
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
                    + ", retentionDuration=" + retentionDuration + ", username=" + username + ", password="
                    + (password == null ? "(none)" : "****") + "]";
        }

        private static void identifier(String value, String key) {
            if (value == null || !IDENTIFIER.matcher(value).matches()) {
                throw new IllegalArgumentException(key + " '" + value + "' must be 1 to 64 characters of A-Z a-z 0-9 _ -");
            }
        }
    }
}
