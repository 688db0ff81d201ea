package cn.xinan.collector.store.sqlite;

import cn.xinan.collector.store.AppendResult;
import cn.xinan.collector.store.BodyColumns;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoreException;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.TimeRange;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventKind;
import cn.xinan.wire.SignedEvent;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a committed append
 * survives a power cut. An append is one transaction of {@code INSERT OR IGNORE} on the event id primary
 * key: a re-delivered event changes nothing. Events are indexed by {@code (room, at_ms)} for the verdicts.
 *
 * <p>One connection writes and another reads (WAL lets readers run beside the writer); each is used by one
 * thread at a time.
 */
public final class SqliteEventStore implements EventStore {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS events (
              event_id         TEXT    NOT NULL PRIMARY KEY,
              room             TEXT    NOT NULL,
              device           TEXT    NOT NULL,
              seq              INTEGER NOT NULL,
              at_ms            INTEGER NOT NULL,
              synced           INTEGER NOT NULL,
              kind             TEXT    NOT NULL,
              reason           TEXT,
              prev_alive_at_ms INTEGER,
              staff            TEXT,
              occupied         INTEGER,
              purpose          TEXT,
              stage            TEXT,
              signature        BLOB    NOT NULL,
              received_at_ms   INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS events_room_at ON events (room, at_ms);
            CREATE INDEX IF NOT EXISTS events_device_seq ON events (device, seq);
            CREATE TABLE IF NOT EXISTS quarantine (
              id             INTEGER PRIMARY KEY AUTOINCREMENT,
              received_at_ms INTEGER NOT NULL,
              topic          TEXT    NOT NULL,
              device         TEXT,
              reason         TEXT    NOT NULL,
              detail         TEXT    NOT NULL,
              payload_base64 TEXT    NOT NULL,
              payload_bytes  INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS quarantine_received ON quarantine (received_at_ms);
            """;
    private static final String INSERT_EVENT = """
            INSERT OR IGNORE INTO events (event_id, room, device, seq, at_ms, synced, kind, reason, prev_alive_at_ms,
              staff, occupied, purpose, stage, signature, received_at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""";
    private static final String SELECT_ROOM = """
            SELECT event_id, device, seq, at_ms, synced, kind, reason, prev_alive_at_ms, staff, occupied, purpose, stage,
              signature, received_at_ms, room FROM events WHERE room = ? AND at_ms >= ? AND at_ms < ?
            ORDER BY at_ms, device, seq""";

    private final Path path;
    private final Connection writer;
    private final Connection reader;

    private SqliteEventStore(Path path, Connection writer, Connection reader) {
        this.path = path;
        this.writer = writer;
        this.reader = reader;
    }

    /** Opens (creating when missing) the database file and its tables. */
    public static SqliteEventStore open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of SQLite store " + path + ": " + e.getMessage(), e);
        }
        Connection writer = null;
        try {
            writer = connect(path);
            try (Statement s = writer.createStatement()) {
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        s.executeUpdate(ddl);
                    }
                }
            }
            writer.setAutoCommit(false);
            Connection reader = connect(path);
            return new SqliteEventStore(path, writer, reader);
        } catch (SQLException e) {
            closeQuietly(writer);
            throw new StoreException("cannot open SQLite store " + path + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: fsync the WAL on every commit, so an acknowledged message survives a power cut.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
    }

    @Override
    public AppendResult append(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return AppendResult.NOTHING;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(INSERT_EVENT)) {
                for (StoredEvent e : events) {
                    bind(ps, e);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                writer.commit();
                int added = 0;
                for (int c : counts) {
                    added += c > 0 ? 1 : 0;
                }
                return new AppendResult(added, events.size() - added);
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": append of " + events.size() + " events failed: "
                        + e.getMessage(), e);
            }
        }
    }

    private static void bind(PreparedStatement ps, StoredEvent stored) throws SQLException {
        DeviceEvent e = stored.event();
        BodyColumns c = BodyColumns.of(e.body());
        ps.setString(1, e.eventId());
        ps.setString(2, stored.roomId());
        ps.setString(3, e.deviceId());
        ps.setLong(4, e.seq());
        ps.setLong(5, e.at().toEpochMilli());
        ps.setInt(6, e.clockSynced() ? 1 : 0);
        ps.setString(7, e.kind().wireName());
        setString(ps, 8, c.reason());
        if (c.prevAliveAtMs() == null) {
            ps.setNull(9, Types.INTEGER);
        } else {
            ps.setLong(9, c.prevAliveAtMs());
        }
        setString(ps, 10, c.staff());
        if (c.occupied() == null) {
            ps.setNull(11, Types.INTEGER);
        } else {
            ps.setInt(11, c.occupied() ? 1 : 0);
        }
        setString(ps, 12, c.purpose());
        setString(ps, 13, c.stage());
        ps.setBytes(14, stored.signed().signature());
        ps.setLong(15, stored.receivedAt().toEpochMilli());
    }

    private static void setString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    @Override
    public List<StoredEvent> eventsForRoom(String roomId, Instant from, Instant to) {
        TimeRange range = TimeRange.of(from, to);
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(SELECT_ROOM)) {
                ps.setString(1, roomId);
                ps.setLong(2, range.fromMs());
                ps.setLong(3, range.toMs());
                List<StoredEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(readEvent(rs));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading room " + roomId + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static StoredEvent readEvent(ResultSet rs) throws SQLException {
        EventKind kind = EventKind.ofWireName(rs.getString(6));
        long prev = rs.getLong(8);
        Long prevAlive = rs.wasNull() ? null : prev;
        int occ = rs.getInt(10);
        Boolean occupied = rs.wasNull() ? null : occ != 0;
        BodyColumns columns = new BodyColumns(rs.getString(7), prevAlive, rs.getString(9), occupied, rs.getString(11),
                rs.getString(12));
        try {
            DeviceEvent event = new DeviceEvent(rs.getString(1), rs.getString(2), rs.getLong(3),
                    Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) != 0, columns.toBody(kind));
            return new StoredEvent(new SignedEvent(event, rs.getBytes(13)), rs.getString(15),
                    Instant.ofEpochMilli(rs.getLong(14)));
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored event " + rs.getString(1) + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Long> sequenceNumbersAbove(String deviceId, long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT DISTINCT seq FROM events WHERE device = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, deviceId);
                ps.setLong(2, after);
                ps.setInt(3, limit);
                List<Long> seqs = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seqs.add(rs.getLong(1));
                    }
                }
                return seqs;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public long eventCount() {
        return singleLong("SELECT count(*) FROM events");
    }

    @Override
    public void quarantine(List<QuarantinedMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("""
                    INSERT INTO quarantine (received_at_ms, topic, device, reason, detail, payload_base64, payload_bytes)
                    VALUES (?,?,?,?,?,?,?)""")) {
                Base64.Encoder base64 = Base64.getEncoder();
                for (QuarantinedMessage m : messages) {
                    ps.setLong(1, m.receivedAt().toEpochMilli());
                    ps.setString(2, m.topic());
                    setString(ps, 3, m.deviceId());
                    ps.setString(4, m.reason().code());
                    ps.setString(5, m.detail());
                    ps.setString(6, base64.encodeToString(m.payload()));
                    ps.setInt(7, m.payloadBytes());
                    ps.addBatch();
                }
                ps.executeBatch();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": quarantining " + messages.size()
                        + " messages failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<QuarantinedMessage> recentQuarantine(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("""
                    SELECT topic, device, reason, detail, received_at_ms, payload_base64, payload_bytes FROM quarantine
                    ORDER BY received_at_ms DESC, id DESC LIMIT ?""")) {
                ps.setInt(1, limit);
                List<QuarantinedMessage> out = new ArrayList<>();
                Base64.Decoder base64 = Base64.getDecoder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new QuarantinedMessage(rs.getString(1), rs.getString(2),
                                QuarantineReason.ofCode(rs.getString(3)), rs.getString(4),
                                Instant.ofEpochMilli(rs.getLong(5)), base64.decode(rs.getString(6)), rs.getInt(7)));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the quarantine failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<QuarantineReason, Long> quarantineCounts() {
        synchronized (reader) {
            try (Statement s = reader.createStatement();
                 ResultSet rs = s.executeQuery("SELECT reason, count(*) FROM quarantine GROUP BY reason")) {
                Map<QuarantineReason, Long> out = new EnumMap<>(QuarantineReason.class);
                while (rs.next()) {
                    out.put(QuarantineReason.ofCode(rs.getString(1)), rs.getLong(2));
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": counting the quarantine failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String type() {
        return "sqlite";
    }

    @Override
    public void checkHealth() {
        singleLong("SELECT 1");
    }

    private long singleLong(String sql) {
        synchronized (reader) {
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the caller needs; a failed rollback leaves nothing committed either
        }
    }

    @Override
    public void close() {
        synchronized (writer) {
            closeQuietly(writer);
        }
        synchronized (reader) {
            closeQuietly(reader);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: nothing left to do with this connection
            }
        }
    }

    @Override
    public String toString() {
        return "SqliteEventStore[" + path + "]";
    }
}
