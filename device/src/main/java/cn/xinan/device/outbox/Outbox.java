package cn.xinan.device.outbox;

import cn.xinan.event.DeviceEvent;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.WireCodec;
import cn.xinan.wire.WireFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The device's durable outbox: every recorded event is written here, signed, before anything else
 * happens, and stays until the broker has acknowledged it. One SQLite file in WAL mode.
 *
 * <p>Besides the pending events the file keeps, in the same transaction as each append, the last
 * sequence number and the last event time ever recorded: the outbox may be empty after delivery,
 * yet the next run must continue the sequence (numbers are never reused) and its boot event must say
 * when the previous run was last alive.
 *
 * <p>The file belongs to one device: opening it for another device id is an error. All methods are
 * thread-safe (one connection, guarded by this object's lock; each call is short).
 */
public final class Outbox implements AutoCloseable {
    private final Path path;
    private final String deviceId;
    private final Connection db;
    private final PreparedStatement insert;
    private final PreparedStatement updateMeta;
    private final PreparedStatement selectOldest;
    private final PreparedStatement deleteThrough;
    private long lastSeq;
    private Instant lastEventAt;
    private boolean closed;

    private Outbox(Path path, String deviceId, Connection db) throws SQLException {
        this.path = path;
        this.deviceId = deviceId;
        this.db = db;
        try (Statement s = db.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS outbox ("
                    + "seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, at_ms INTEGER NOT NULL, payload BLOB NOT NULL)");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS device_meta ("
                    + "id INTEGER PRIMARY KEY CHECK (id = 1), device_id TEXT NOT NULL, last_seq INTEGER NOT NULL, "
                    + "last_event_at_ms INTEGER)");
            try (ResultSet rs = s.executeQuery("SELECT device_id, last_seq, last_event_at_ms FROM device_meta WHERE id = 1")) {
                if (rs.next()) {
                    String owner = rs.getString(1);
                    if (!owner.equals(deviceId)) {
                        throw new OutboxException("outbox " + path + " belongs to device " + owner + ", not to " + deviceId);
                    }
                    lastSeq = rs.getLong(2);
                    long at = rs.getLong(3);
                    lastEventAt = rs.wasNull() ? null : Instant.ofEpochMilli(at);
                } else {
                    try (PreparedStatement p = db.prepareStatement(
                            "INSERT INTO device_meta (id, device_id, last_seq, last_event_at_ms) VALUES (1, ?, 0, NULL)")) {
                        p.setString(1, deviceId);
                        p.executeUpdate();
                    }
                }
            }
        }
        db.commit();
        insert = db.prepareStatement("INSERT INTO outbox (seq, event_id, at_ms, payload) VALUES (?, ?, ?, ?)");
        updateMeta = db.prepareStatement("UPDATE device_meta SET last_seq = ?, last_event_at_ms = ? WHERE id = 1");
        selectOldest = db.prepareStatement("SELECT payload FROM outbox ORDER BY seq LIMIT ?");
        deleteThrough = db.prepareStatement("DELETE FROM outbox WHERE seq <= ?");
    }

    /**
     * Opens (creating if needed) the outbox of {@code deviceId} at {@code path}.
     *
     * @throws OutboxException naming the file when it cannot be opened or belongs to another device
     */
    public static Outbox open(Path path, String deviceId, SynchronousMode synchronous) {
        Objects.requireNonNull(path, "outbox path is missing");
        DeviceEvent.checkDeviceId(deviceId);
        Objects.requireNonNull(synchronous, "synchronous mode is missing");
        Connection db = null;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                // WAL: appends do not rewrite pages readers use, and a commit is one sequential write.
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                    if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                        throw new OutboxException("outbox " + path + ": SQLite refused WAL mode");
                    }
                }
                s.execute("PRAGMA synchronous=" + synchronous.name());
                s.execute("PRAGMA busy_timeout=5000");
            }
            db.setAutoCommit(false);
            return new Outbox(path, deviceId, db);
        } catch (SQLException | IOException e) {
            closeQuietly(db);
            throw new OutboxException("cannot open outbox " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public String deviceId() {
        return deviceId;
    }

    /**
     * Appends one signed event durably (as durable as the synchronous mode makes it) and records it
     * as the last one. Its sequence number must follow the last one recorded.
     */
    public synchronized void append(SignedEvent signed) {
        checkOpen();
        DeviceEvent event = signed.event();
        if (!event.deviceId().equals(deviceId)) {
            throw new IllegalArgumentException("event of device " + event.deviceId() + " in the outbox of " + deviceId);
        }
        if (event.seq() != lastSeq + 1) {
            throw new IllegalArgumentException("event sequence " + event.seq() + " does not follow the last recorded "
                    + lastSeq);
        }
        long atMs = event.at().toEpochMilli();
        try {
            insert.setLong(1, event.seq());
            insert.setString(2, event.eventId());
            insert.setLong(3, atMs);
            insert.setBytes(4, WireCodec.encode(new EventBatch(deviceId, List.of(signed), null)));
            insert.executeUpdate();
            updateMeta.setLong(1, event.seq());
            updateMeta.setLong(2, atMs);
            updateMeta.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot append event " + event.seq() + ": " + e.getMessage(), e);
        }
        lastSeq = event.seq();
        lastEventAt = event.at();
    }

    /** The oldest pending events, at most {@code max}, in sequence order. */
    public synchronized List<SignedEvent> oldest(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        checkOpen();
        List<SignedEvent> events = new ArrayList<>(Math.min(max, 64));
        try {
            selectOldest.setInt(1, max);
            try (ResultSet rs = selectOldest.executeQuery()) {
                while (rs.next()) {
                    events.add(WireCodec.decode(rs.getBytes(1)).events().get(0));
                }
            }
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot read: " + e.getMessage(), e);
        } catch (WireFormatException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + " holds an unreadable event: " + e.getMessage(), e);
        }
        return events;
    }

    /** Removes every pending event with a sequence number up to {@code seq} (acknowledged by the broker). */
    public synchronized int deleteThrough(long seq) {
        checkOpen();
        try {
            deleteThrough.setLong(1, seq);
            int n = deleteThrough.executeUpdate();
            db.commit();
            return n;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot delete through " + seq + ": " + e.getMessage(), e);
        }
    }

    /** How many events are waiting for the broker's acknowledgement. */
    public synchronized long depth() {
        checkOpen();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox")) {
            rs.next();
            long n = rs.getLong(1);
            db.commit();
            return n;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot count: " + e.getMessage(), e);
        }
    }

    /** The sequence number of the last event ever recorded in this file, 0 if none. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** The time of the last event ever recorded in this file (the previous run's last sign of life). */
    public synchronized Optional<Instant> lastEventAt() {
        return Optional.ofNullable(lastEventAt);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the file; what was appended stays. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(db);
    }

    private void checkOpen() {
        if (closed) {
            throw new OutboxException("outbox " + path + " is closed");
        }
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // closing a connection that failed to open or is already broken: nothing left to release
            }
        }
    }
}
