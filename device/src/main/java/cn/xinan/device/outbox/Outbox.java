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
 * happens, and stays until a collector has acknowledged that it is durably stored (the collectors'
 * {@code {deviceId}/ack}, docs/mqtt-contract.md; a broker's PUBACK is not enough). One SQLite file in WAL mode.
 *
 * <p>Besides the pending events the file keeps, in the same transaction as each append, the last
 * sequence number and the last event time ever recorded: the outbox may be empty after delivery,
 * yet the next run must continue the sequence (numbers are never reused) and its boot event must say
 * when the previous run was last alive.
 *
 * <p>The file belongs to one device: opening it for another device id is an error. All methods are
 * thread-safe (one connection, guarded by this object's lock; each call is short).
 *
 * <p><b>Ledger (opt-in, for fault tests and audits).</b> If the file has a table
 * {@code ledger(seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, payload BLOB NOT NULL)} when it is opened
 * ({@link #LEDGER_TABLE}: whoever wants the ledger creates it; the firmware never does), every append also
 * writes the event there <em>in the same transaction</em>, and nothing ever deletes from it: it is the exact
 * list of events this device committed, whatever was delivered or acknowledged since. A re-timed held event
 * ({@link #replaceHeld}) replaces its row too (its first version never left the device).
 */
public final class Outbox implements AutoCloseable {
    private final Path path;
    private final String deviceId;
    private final Connection db;
    private PreparedStatement insert; // prepared again after a failed append
    private PreparedStatement updateMeta; // prepared again after a failed append
    private final PreparedStatement selectAfter;
    private final PreparedStatement selectBetween;
    private final PreparedStatement deleteThrough;
    private PreparedStatement insertHistory; // prepared again after a failed append
    private PreparedStatement insertHeld; // prepared again after a failed append
    private PreparedStatement insertLedger; // null without the opt-in ledger table; prepared again after a failed append
    private boolean ledger;
    private long lastSeq;
    private Instant lastEventAt;
    private long depth;
    private boolean closed;

    private Outbox(Path path, String deviceId, Connection db) throws SQLException {
        this.path = path;
        this.deviceId = deviceId;
        this.db = db;
        try (Statement s = db.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS outbox ("
                    + "seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, at_ms INTEGER NOT NULL, payload BLOB NOT NULL)");
            // This week's events for the kiosk's progress figures (the outbox forgets delivered ones).
            s.executeUpdate("CREATE TABLE IF NOT EXISTS history ("
                    + "seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, payload BLOB NOT NULL)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS history_at ON history (at_ms)");
            // Events recorded before the clock was synchronised: not published until re-timed or released.
            s.executeUpdate("CREATE TABLE IF NOT EXISTS held ("
                    + "seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, mono_ms INTEGER NOT NULL)");
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
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox")) {
            rs.next();
            depth = rs.getLong(1);
        }
        db.commit();
        ledger = hasLedger(db);
        prepareAppend();
        String publishable = "seq < (SELECT coalesce(min(seq), 9223372036854775807) FROM held)";
        selectAfter = db.prepareStatement("SELECT payload FROM outbox WHERE seq > ? AND " + publishable
                + " ORDER BY seq LIMIT ?");
        selectBetween = db.prepareStatement("SELECT payload FROM outbox WHERE seq >= ? AND seq <= ? AND " + publishable
                + " ORDER BY seq LIMIT ?");
        deleteThrough = db.prepareStatement("DELETE FROM outbox WHERE seq <= ? AND seq NOT IN (SELECT seq FROM held)");
    }

    private void prepareAppend() throws SQLException {
        insert = db.prepareStatement("INSERT INTO outbox (seq, event_id, at_ms, payload) VALUES (?, ?, ?, ?)");
        updateMeta = db.prepareStatement("UPDATE device_meta SET last_seq = ?, last_event_at_ms = ? WHERE id = 1");
        insertHistory = db.prepareStatement("INSERT OR REPLACE INTO history (seq, at_ms, payload) VALUES (?, ?, ?)");
        insertHeld = db.prepareStatement("INSERT INTO held (seq, run_id, mono_ms) VALUES (?, ?, ?)");
        insertLedger = ledger
                ? db.prepareStatement("INSERT OR REPLACE INTO ledger (seq, event_id, payload) VALUES (?, ?, ?)")
                : null;
    }

    /**
     * On SQLITE_FULL SQLite rolls the transaction back by itself, and the driver's "rollback, then begin" fails at
     * its first step: no transaction is open afterwards and every later commit would fail. Open one afresh.
     */
    private void restartTransaction() {
        try {
            db.setAutoCommit(true); // the driver commits here, which fails when nothing is open: harmless
        } catch (SQLException ignored) {
            // the setting is changed all the same
        }
        try {
            db.setAutoCommit(false);
        } catch (SQLException e) {
            throw new OutboxException("outbox " + path + ": cannot open a transaction again: " + e.getMessage(), e);
        }
    }

    /** After a failed append SQLite's statements may be left unusable ("statement is not executing"): start afresh. */
    private void reprepareAppend() {
        for (PreparedStatement p : new PreparedStatement[]{insert, updateMeta, insertHistory, insertHeld, insertLedger}) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (SQLException ignored) {
                // replaced below either way
            }
        }
        try {
            prepareAppend();
        } catch (SQLException e) {
            throw new OutboxException("outbox " + path + ": cannot prepare its statements again: " + e.getMessage(), e);
        }
    }

    /** The opt-in ledger's table (see the class comment): create it in the file before the firmware opens it. */
    public static final String LEDGER_TABLE =
            "CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, payload BLOB NOT NULL)";

    private static boolean hasLedger(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'")) {
            boolean found = rs.next();
            db.commit();
            return found;
        }
    }

    private void writeLedger(long seq, String eventId, byte[] payload) throws SQLException {
        if (insertLedger != null) {
            insertLedger.setLong(1, seq);
            insertLedger.setString(2, eventId);
            insertLedger.setBytes(3, payload);
            insertLedger.executeUpdate();
        }
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
        append(signed, null);
    }

    /**
     * Where an event recorded with an unsynchronised clock was recorded on the monotonic time line:
     * the run (a monotonic clock restarts at every boot) and its milliseconds on it.
     */
    public record Hold(String runId, long monotonicMillis) {
        public Hold {
            Objects.requireNonNull(runId, "run id is missing");
        }
    }

    /** A held event with where it was recorded on the monotonic time line. */
    public record HeldEvent(SignedEvent signed, Hold hold) {
    }

    /**
     * Appends one signed event; with a {@code hold} it is kept back from {@link #oldest} (and so from the
     * publisher), and so is everything after it, until {@link #replaceHeld} re-times it or
     * {@link #releaseHeld} lets it go as it is.
     */
    public synchronized void append(SignedEvent signed, Hold hold) {
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
        byte[] payload = encode(signed);
        try {
            insert.setLong(1, event.seq());
            insert.setString(2, event.eventId());
            insert.setLong(3, atMs);
            insert.setBytes(4, payload);
            insert.executeUpdate();
            insertHistory.setLong(1, event.seq());
            insertHistory.setLong(2, atMs);
            insertHistory.setBytes(3, payload);
            insertHistory.executeUpdate();
            writeLedger(event.seq(), event.eventId(), payload);
            if (hold != null) {
                insertHeld.setLong(1, event.seq());
                insertHeld.setString(2, hold.runId());
                insertHeld.setLong(3, hold.monotonicMillis());
                insertHeld.executeUpdate();
            }
            updateMeta.setLong(1, event.seq());
            updateMeta.setLong(2, atMs);
            updateMeta.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            restartTransaction();
            reprepareAppend();
            if (isFull(e)) {
                throw new OutboxFullException("outbox " + path + " is full (disk or page limit): event " + event.seq()
                        + " not appended", e);
            }
            throw new OutboxException("outbox " + path + ": cannot append event " + event.seq() + ": " + e.getMessage(), e);
        }
        lastSeq = event.seq();
        lastEventAt = event.at();
        depth++;
    }

    private byte[] encode(SignedEvent signed) {
        return WireCodec.encode(new EventBatch(deviceId, List.of(signed), null));
    }

    private SignedEvent decode(byte[] payload) throws WireFormatException {
        return WireCodec.decode(payload).events().get(0);
    }

    /** The events held back (recorded before the clock was synchronised), in sequence order. */
    public synchronized List<HeldEvent> held() {
        checkOpen();
        List<HeldEvent> events = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT o.payload, h.run_id, h.mono_ms FROM held h JOIN outbox o ON o.seq = h.seq ORDER BY h.seq")) {
            while (rs.next()) {
                events.add(new HeldEvent(decode(rs.getBytes(1)), new Hold(rs.getString(2), rs.getLong(3))));
            }
            db.commit();
        } catch (SQLException | WireFormatException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot read the held events: " + e.getMessage(), e);
        }
        return events;
    }

    /**
     * Replaces held events by re-timed ones (same sequence numbers, new ids, new times, new signatures)
     * in one transaction, everywhere the file keeps them, and releases them to the publisher.
     */
    public synchronized void replaceHeld(List<SignedEvent> replacements) {
        checkOpen();
        try (PreparedStatement update = db.prepareStatement(
                "UPDATE outbox SET event_id = ?, at_ms = ?, payload = ? WHERE seq = ?");
             PreparedStatement release = db.prepareStatement("DELETE FROM held WHERE seq = ?")) {
            for (SignedEvent signed : replacements) {
                DeviceEvent e = signed.event();
                byte[] payload = encode(signed);
                update.setString(1, e.eventId());
                update.setLong(2, e.at().toEpochMilli());
                update.setBytes(3, payload);
                update.setLong(4, e.seq());
                if (update.executeUpdate() != 1) {
                    throw new OutboxException("outbox " + path + ": event " + e.seq() + " is no longer pending");
                }
                insertHistory.setLong(1, e.seq());
                insertHistory.setLong(2, e.at().toEpochMilli());
                insertHistory.setBytes(3, payload);
                insertHistory.executeUpdate();
                writeLedger(e.seq(), e.eventId(), payload);
                release.setLong(1, e.seq());
                release.executeUpdate();
                if (e.seq() == lastSeq) {
                    updateMeta.setLong(1, lastSeq);
                    updateMeta.setLong(2, e.at().toEpochMilli());
                    updateMeta.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e instanceof OutboxException oe ? oe
                    : new OutboxException("outbox " + path + ": cannot re-time held events: " + e.getMessage(), e);
        }
        replacements.stream().filter(r -> r.event().seq() == lastSeq).forEach(r -> lastEventAt = r.event().at());
    }

    /** Lets held events go as they are (flagged unsynchronised). */
    public synchronized int releaseHeld(List<Long> seqs) {
        checkOpen();
        try (PreparedStatement release = db.prepareStatement("DELETE FROM held WHERE seq = ?")) {
            int n = 0;
            for (long seq : seqs) {
                release.setLong(1, seq);
                n += release.executeUpdate();
            }
            db.commit();
            return n;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot release held events: " + e.getMessage(), e);
        }
    }

    /** Recorded events (delivered or not) with a time at or after {@code since}, in sequence order. */
    public synchronized List<DeviceEvent> history(Instant since) {
        checkOpen();
        List<DeviceEvent> events = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT payload FROM history WHERE at_ms >= ? ORDER BY seq")) {
            q.setLong(1, since.toEpochMilli());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    events.add(decode(rs.getBytes(1)).event());
                }
            }
            db.commit();
        } catch (SQLException | WireFormatException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot read the history: " + e.getMessage(), e);
        }
        return events;
    }

    /** Forgets the history before {@code before}. */
    public synchronized int pruneHistory(Instant before) {
        checkOpen();
        try (PreparedStatement d = db.prepareStatement("DELETE FROM history WHERE at_ms < ?")) {
            d.setLong(1, before.toEpochMilli());
            int n = d.executeUpdate();
            db.commit();
            return n;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot prune the history: " + e.getMessage(), e);
        }
    }

    private static boolean isFull(SQLException e) {
        // SQLITE_FULL (13): the disk, or the page limit, has no room for the transaction
        return e.getErrorCode() == 13 || String.valueOf(e.getMessage()).contains("SQLITE_FULL");
    }

    /**
     * Caps the file at {@code pages} database pages ({@code PRAGMA max_page_count}): past it every append fails
     * as on a full disk. For tests of the full-disk path; a device's real limit is its file system.
     */
    public synchronized void limitPages(long pages) {
        checkOpen();
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA max_page_count=" + pages); // a connection setting: nothing to commit
        } catch (SQLException e) {
            throw new OutboxException("outbox " + path + ": cannot limit its size: " + e.getMessage(), e);
        }
    }

    /** The pending events after sequence number {@code seq}, at most {@code max}, in sequence order (held ones excepted). */
    public synchronized List<SignedEvent> after(long seq, int max) {
        return select(selectAfter, max, seq);
    }

    /** The pending events with {@code from ≤ seq ≤ to}, at most {@code max}, in sequence order (held ones excepted). */
    public synchronized List<SignedEvent> between(long from, long to, int max) {
        return select(selectBetween, max, from, to);
    }

    private List<SignedEvent> select(PreparedStatement query, int max, long... bounds) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        checkOpen();
        List<SignedEvent> events = new ArrayList<>(Math.min(max, 64));
        try {
            for (int i = 0; i < bounds.length; i++) {
                query.setLong(i + 1, bounds[i]);
            }
            query.setInt(bounds.length + 1, max);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    events.add(decode(rs.getBytes(1)));
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

    /** The id of the pending event with sequence number {@code seq}, empty when the outbox does not hold it. */
    public synchronized Optional<String> eventIdAt(long seq) {
        checkOpen();
        try (PreparedStatement q = db.prepareStatement("SELECT event_id FROM outbox WHERE seq = ?")) {
            q.setLong(1, seq);
            Optional<String> id;
            try (ResultSet rs = q.executeQuery()) {
                id = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
            db.commit();
            return id;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot read event " + seq + ": " + e.getMessage(), e);
        }
    }

    /**
     * When the oldest event still waiting for a collector's acknowledgement was recorded (held ones included: their
     * time is on the same unsynchronised clock as the device's now), empty when none waits.
     */
    public synchronized Optional<Instant> oldestPendingAt() {
        checkOpen();
        try (PreparedStatement q = db.prepareStatement("SELECT at_ms FROM outbox ORDER BY seq LIMIT 1")) {
            Optional<Instant> at;
            try (ResultSet rs = q.executeQuery()) {
                at = rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
            db.commit();
            return at;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot read the oldest event: " + e.getMessage(), e);
        }
    }

    /** The oldest pending events, at most {@code max}, in sequence order (held ones excepted). */
    public synchronized List<SignedEvent> oldest(int max) {
        return after(0, max);
    }

    /**
     * Removes every pending event with a sequence number up to {@code seq}: a collector acknowledged that they
     * are durably stored. Held events (not yet published) are never removed.
     */
    public synchronized int deleteThrough(long seq) {
        checkOpen();
        try {
            deleteThrough.setLong(1, seq);
            int n = deleteThrough.executeUpdate();
            db.commit();
            depth -= n;
            return n;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new OutboxException("outbox " + path + ": cannot delete through " + seq + ": " + e.getMessage(), e);
        }
    }

    /** How many events are waiting for a collector's acknowledgement (counted at open, then kept up to date). */
    public synchronized long depth() {
        checkOpen();
        return depth;
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
