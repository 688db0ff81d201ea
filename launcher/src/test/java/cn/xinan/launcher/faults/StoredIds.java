package cn.xinan.launcher.faults;

import cn.xinan.testing.InfluxServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the collectors stored, read straight from the store (not through the collector): one row per stored
 * point or record, so an event stored twice shows up twice.
 */
interface StoredIds {
    /** One stored event: its id, device and sequence number. */
    record Row(String eventId, String deviceId, long seq) {
    }

    List<Row> rows(Collection<String> deviceIds);

    /** The collector's SQLite file (read while it runs: WAL lets a reader in beside the writer). */
    static StoredIds sqlite(Path file) {
        return deviceIds -> {
            List<Row> rows = new ArrayList<>();
            if (!Files.exists(file)) {
                return rows;
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                try (ResultSet rs = s.executeQuery("SELECT event_id, device, seq FROM events")) {
                    while (rs.next()) {
                        if (deviceIds.contains(rs.getString(2))) {
                            rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3)));
                        }
                    }
                }
            } catch (SQLException e) {
                if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                    return rows; // the collector has not created its tables yet
                }
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return rows;
        };
    }

    /** The InfluxDB {@code database}, retention policy {@code xinan} (docs/collector.md): every point. */
    static StoredIds influx(InfluxServer influx, String database) {
        Pattern value = Pattern.compile("\\[\"[^\"]+\",\"([^\"]+)\",(\\d+)\\]");
        return deviceIds -> {
            List<Row> rows = new ArrayList<>();
            for (String device : deviceIds) {
                String json;
                try {
                    json = influx.query(database, "SELECT \"id\",\"seq\" FROM \"" + database
                            + "\".\"xinan\".\"events\" WHERE \"device\"='" + device + "'");
                } catch (IllegalStateException e) {
                    if (e.getMessage().contains("database not found")) {
                        return rows;
                    }
                    throw e;
                }
                Matcher m = value.matcher(json);
                while (m.find()) {
                    rows.add(new Row(m.group(1), device, Long.parseLong(m.group(2))));
                }
            }
            return rows;
        };
    }
}
