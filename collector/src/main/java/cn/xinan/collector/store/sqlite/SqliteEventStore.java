package cn.xinan.collector.store.sqlite;

import cn.xinan.collector.store.AliveDay;
import cn.xinan.collector.store.AppendResult;
import cn.xinan.collector.store.BodyColumns;
import cn.xinan.collector.store.DerivedStore;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.QuarantinedSeq;
import cn.xinan.collector.store.SeqDay;
import cn.xinan.collector.store.SeqDayReads;
import cn.xinan.collector.store.StoreException;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.TimeRange;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventKind;
import cn.xinan.rules.CarriedState;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RulesEngine;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a committed append
 * survives a power cut. An append is one transaction of {@code INSERT OR IGNORE} on the event id primary
 * key: a re-delivered event changes nothing, whatever room it would be stored under now (the key is the id
 * alone, so de-duplication is global). Events are indexed by {@code (room, at_ms)} for recomputing derived
 * results (and, for the events other than heartbeats alone, by a partial index). In the same transaction, the
 * room-days of the new events are marked in {@code derived_dirty}; the summaries ({@link DerivedStore}) live in
 * {@code day_summary}, the alive spans in {@code alive_day}, both keyed by room and epoch day, the sequence-number
 * records ({@link SeqDay}) in {@code seq_day}, keyed by room, device and epoch day, and the settings they were computed
 * with in {@code derived_settings}. A file written before {@code seq_day} existed has every room-day with events marked
 * once when it is opened ({@link #SEQ_DAYS_MARKER}), so the next derivation builds the records from the raw events. Verified events quarantined as handled
 * ({@link EventStore#quarantineSeqs}) are kept in {@code quarantined_seqs}, apart from the pruned {@code quarantine}.
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
            CREATE INDEX IF NOT EXISTS events_checkins ON events (room, at_ms) WHERE kind = 'checkin';
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
            CREATE TABLE IF NOT EXISTS quarantined_seqs (
              device         TEXT    NOT NULL,
              seq            INTEGER NOT NULL,
              event_id       TEXT    NOT NULL,
              reason         TEXT    NOT NULL,
              received_at_ms INTEGER NOT NULL,
              PRIMARY KEY (device, seq, event_id)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS day_summary (
              room                TEXT    NOT NULL,
              day                 INTEGER NOT NULL,
              open_ms             INTEGER NOT NULL,
              unattended_ms       INTEGER NOT NULL,
              checkins            INTEGER NOT NULL,
              alive               INTEGER NOT NULL,
              unsynced            INTEGER NOT NULL,
              events              INTEGER NOT NULL,
              gap_s               INTEGER NOT NULL,
              end_open            INTEGER NOT NULL,
              end_open_since_ms   INTEGER NOT NULL,
              end_occupied        INTEGER NOT NULL,
              end_vacant_since_ms INTEGER NOT NULL,
              end_last_alive_ms   INTEGER NOT NULL,
              PRIMARY KEY (room, day)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS events_room_at_beside_heartbeats ON events (room, at_ms) WHERE kind <> 'heartbeat';
            CREATE INDEX IF NOT EXISTS events_room_at_received_late ON events (room, at_ms) WHERE received_at_ms > at_ms + 3600000;
            CREATE TABLE IF NOT EXISTS alive_day (
              room       TEXT    NOT NULL,
              day        INTEGER NOT NULL,
              heartbeats INTEGER NOT NULL,
              unsynced   INTEGER NOT NULL,
              spans      TEXT    NOT NULL,
              PRIMARY KEY (room, day)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS derived_settings (
              name  TEXT NOT NULL PRIMARY KEY,
              value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS seq_day (
              room             TEXT    NOT NULL,
              device           TEXT    NOT NULL,
              day              INTEGER NOT NULL,
              runs             TEXT    NOT NULL,
              events           INTEGER NOT NULL,
              last_received_ms INTEGER NOT NULL,
              PRIMARY KEY (room, device, day)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS derived_dirty (
              room    TEXT    NOT NULL,
              day     INTEGER NOT NULL,
              version INTEGER NOT NULL,
              PRIMARY KEY (room, day)
            ) WITHOUT ROWID;
            """;
    private static final String MARK_DIRTY = """
            INSERT INTO derived_dirty (room, day, version) VALUES (?, ?, 1)
            ON CONFLICT (room, day) DO UPDATE SET version = version + 1""";
    private static final String SUMMARY_COLUMNS = """
            room, day, open_ms, unattended_ms, checkins, alive, unsynced, events, gap_s, end_open, end_open_since_ms,
              end_occupied, end_vacant_since_ms, end_last_alive_ms""";
    /** Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a local day is a fixed span of epoch ms. */
    private static final long LOCAL_OFFSET_MS = 8 * 3_600_000L;
    /** The delay between recording and receipt beyond which an event is in the partial index of late receipts. */
    private static final long LATE_INDEX_MS = 3_600_000L;
    private static final String INSERT_EVENT = """
            INSERT OR IGNORE INTO events (event_id, room, device, seq, at_ms, synced, kind, reason, prev_alive_at_ms,
              staff, occupied, purpose, stage, signature, received_at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""";
    private static final String EVENT_COLUMNS = """
            SELECT event_id, device, seq, at_ms, synced, kind, reason, prev_alive_at_ms, staff, occupied, purpose, stage,
              signature, received_at_ms, room FROM events""";
    private static final String SELECT_ROOM = EVENT_COLUMNS
            + " WHERE room = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, device, seq";
    /** The partial index holds only the events other than heartbeats (a few per cent): a term's are read from it alone. */
    private static final String SELECT_ROOM_BESIDE_HEARTBEATS = EVENT_COLUMNS
            + " INDEXED BY events_room_at_beside_heartbeats WHERE room = ? AND at_ms >= ? AND at_ms < ?"
            + " AND kind <> 'heartbeat' ORDER BY at_ms, device, seq";
    private static final String SELECT_ROOM_HEARTBEATS = EVENT_COLUMNS
            + " WHERE room = ? AND at_ms >= ? AND at_ms < ? AND kind = 'heartbeat' ORDER BY at_ms, device, seq";
    private static final String SELECT_ROOM_KIND = EVENT_COLUMNS
            + " WHERE room = ? AND at_ms >= ? AND at_ms < ? AND kind = ? ORDER BY at_ms, device, seq";
    /**
     * Check-ins of a room (the web UI's room page): the kind written out, so SQLite uses the small partial index
     * {@code events_checkins} instead of walking every heartbeat of the period (a bound parameter would not match it).
     */
    private static final String SELECT_ROOM_CHECKINS = SELECT_ROOM.replace("AND at_ms < ?", "AND at_ms < ? AND kind = 'checkin'");

    /**
     * The row of {@code derived_settings} saying the room-days stored before {@code seq_day} existed were marked for
     * their records to be built.
     */
    static final String SEQ_DAYS_MARKER = "seq-days";
    /** Marks every room-day with events (a mark already there gets a new version), once per file. */
    private static final String MARK_ALL_DAYS = """
            INSERT INTO derived_dirty (room, day, version)
            SELECT DISTINCT room, (at_ms + %d) / 86400000, 1 FROM events WHERE true
            ON CONFLICT (room, day) DO UPDATE SET version = version + 1""".formatted(LOCAL_OFFSET_MS);

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
            markDaysWithoutSeqDays(writer);
            Connection reader = connect(path);
            return new SqliteEventStore(path, writer, reader);
        } catch (SQLException e) {
            closeQuietly(writer);
            throw new StoreException("cannot open SQLite store " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file written before {@code seq_day} existed: marks every room-day with events, so the derivation builds their
     * records from the raw events (until then {@link #sequenceRuns} reads those days raw). Two replicas opening it at once
     * both mark; a mark twice is one more recomputation, nothing else.
     */
    private static void markDaysWithoutSeqDays(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement()) {
            boolean noted;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM derived_settings WHERE name = '" + SEQ_DAYS_MARKER + "'")) {
                noted = rs.next();
            }
            if (noted) {
                writer.commit(); // ends the read: a snapshot kept open would refuse this connection's next write
                return;
            }
            s.executeUpdate(MARK_ALL_DAYS);
            s.executeUpdate("INSERT OR REPLACE INTO derived_settings (name, value) VALUES ('" + SEQ_DAYS_MARKER
                    + "', 'marked')");
            writer.commit();
        } catch (SQLException e) {
            writer.rollback();
            throw e;
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
        events.forEach(StoredEvent::checkStorable);
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(INSERT_EVENT)) {
                for (StoredEvent e : events) {
                    bind(ps, e);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                int added = 0;
                Set<RoomDay> changed = new HashSet<>();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0) {
                        added++;
                        StoredEvent e = events.get(i);
                        changed.add(new RoomDay(e.roomId(), LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE)));
                    }
                }
                markDirtyInTransaction(changed);
                writer.commit();
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
        return select(SELECT_ROOM, roomId, null, from, to);
    }

    @Override
    public List<StoredEvent> eventsBesideHeartbeats(String room, Instant from, Instant to) {
        return select(SELECT_ROOM_BESIDE_HEARTBEATS, room, null, from, to);
    }

    @Override
    public List<StoredEvent> heartbeats(String room, Instant from, Instant to) {
        return select(SELECT_ROOM_HEARTBEATS, room, null, from, to);
    }

    @Override
    public List<SeqRun> sequenceRuns(String room, Instant from, Instant to) {
        return SeqDayReads.sequenceRuns(seqDaySource, room, from, to);
    }

    @Override
    public List<StoredEvent> eventsReceivedAfterTheirDay(String room, Instant from, Instant to, java.time.Duration after) {
        return SeqDayReads.eventsReceivedAfterTheirDay(seqDaySource, room, from, to, after);
    }

    /** What {@link SeqDayReads} needs: the records, the marks, and the raw reads below. */
    private final SeqDayReads.Source seqDaySource = new SeqDayReads.Source() {
        @Override
        public List<SeqDay> seqDays(String room, LocalDate from, LocalDate to) {
            return SqliteEventStore.this.seqDays(room, from, to);
        }

        @Override
        public Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to) {
            return SqliteEventStore.this.markedDays(room, from, to);
        }

        @Override
        public List<SeqRun> rawRuns(String room, Instant from, Instant to) {
            return rawSequenceRuns(room, from, to);
        }

        @Override
        public List<StoredEvent> rawLate(String room, Instant from, Instant to, java.time.Duration after) {
            return rawEventsReceivedAfterTheirDay(room, from, to, after);
        }
    };

    /**
     * From the raw rows (the days {@link SeqDayReads} cannot take from {@code seq_day}), without decoding an event: per
     * device and local day the smallest and largest number and the count. When each day's count fills its span, the
     * days' spans do not overlap, and the device's index holds each number from the device's smallest to its largest
     * once in all (any room, any time) and no more of them than the window does, the window holds exactly those spans,
     * adjacent ones joined. Otherwise the runs are counted with a window query over the range's numbers
     * ({@code seq - dense_rank}).
     */
    private List<SeqRun> rawSequenceRuns(String room, Instant from, Instant to) {
        TimeRange range = TimeRange.of(from, to);
        synchronized (reader) {
            try {
                java.util.TreeMap<String, List<long[]>> days = new java.util.TreeMap<>();
                try (PreparedStatement ps = reader.prepareStatement("SELECT device, MIN(seq), MAX(seq), COUNT(*) FROM events"
                        + " WHERE room = ? AND at_ms >= ? AND at_ms < ? GROUP BY device, (at_ms + ?) / 86400000")) {
                    ps.setString(1, room);
                    ps.setLong(2, range.fromMs());
                    ps.setLong(3, range.toMs());
                    ps.setLong(4, LOCAL_OFFSET_MS);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            days.computeIfAbsent(rs.getString(1), d -> new ArrayList<>())
                                    .add(new long[]{rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                        }
                    }
                }
                List<SeqRun> out = new ArrayList<>();
                for (Map.Entry<String, List<long[]>> d : days.entrySet()) {
                    List<SeqRun> runs = joinedIfExact(d.getKey(), d.getValue());
                    out.addAll(runs != null ? runs : runsCounted(room, d.getKey(), range));
                }
                out.sort(java.util.Comparator.comparing(SeqRun::device).thenComparingLong(SeqRun::first));
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the sequence numbers of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** The runs of the day spans {@code {min, max, count}} of a device, or null when they may not be exact. */
    private List<SeqRun> joinedIfExact(String device, List<long[]> days) throws SQLException {
        days.sort((a, b) -> Long.compare(a[0], b[0]));
        long total = 0;
        long previousMax = Long.MIN_VALUE;
        for (long[] day : days) {
            if (day[2] != day[1] - day[0] + 1 || (previousMax != Long.MIN_VALUE && day[0] <= previousMax)) {
                return null;
            }
            total += day[2];
            previousMax = day[1];
        }
        if (!eachNumberOnce(device, days.get(0)[0], previousMax, total)) {
            return null;
        }
        List<SeqRun> runs = new ArrayList<>();
        long first = days.get(0)[0];
        long last = days.get(0)[1];
        for (long[] day : days.subList(1, days.size())) {
            if (day[0] == last + 1) {
                last = day[1];
            } else {
                runs.add(new SeqRun(device, first, last));
                first = day[0];
                last = day[1];
            }
        }
        runs.add(new SeqRun(device, first, last));
        return runs;
    }

    /** Whether the device's stored events numbered {@code min..max} (any room, any time) are {@code count}, all distinct. */
    private boolean eachNumberOnce(String device, long min, long max, long count) throws SQLException {
        try (PreparedStatement ps = reader.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT seq) FROM events"
                + " INDEXED BY events_device_seq WHERE device = ? AND seq >= ? AND seq <= ?")) {
            ps.setString(1, device);
            ps.setLong(2, min);
            ps.setLong(3, max);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == count && rs.getLong(2) == count;
            }
        }
    }

    private List<SeqRun> runsCounted(String room, String device, TimeRange range) throws SQLException {
        try (PreparedStatement ps = reader.prepareStatement("""
                SELECT MIN(seq), MAX(seq) FROM (
                  SELECT seq, seq - DENSE_RANK() OVER (ORDER BY seq) AS run FROM events
                  WHERE room = ? AND device = ? AND at_ms >= ? AND at_ms < ?)
                GROUP BY run""")) {
            ps.setString(1, room);
            ps.setString(2, device);
            ps.setLong(3, range.fromMs());
            ps.setLong(4, range.toMs());
            List<SeqRun> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SeqRun(device, rs.getLong(1), rs.getLong(2)));
                }
            }
            return out;
        }
    }

    /**
     * From the raw rows, selected by SQLite: a local day is a fixed span of epoch ms here ({@link #LOCAL_OFFSET_MS}). An event received
     * more than an hour after the end of its day was received more than an hour after it was recorded: for
     * {@code after} of an hour or more they are read from the partial index {@code events_room_at_received_late}, which
     * holds only those (a backlog delivered late), so a room without any costs one index probe.
     */
    private List<StoredEvent> rawEventsReceivedAfterTheirDay(String room, Instant from, Instant to,
                                                            java.time.Duration after) {
        TimeRange range = TimeRange.of(from, to);
        String index = after.toMillis() >= LATE_INDEX_MS
                ? " INDEXED BY events_room_at_received_late WHERE received_at_ms > at_ms + " + LATE_INDEX_MS + " AND"
                : " WHERE";
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(EVENT_COLUMNS + index
                    + " room = ? AND at_ms >= ? AND at_ms < ? AND received_at_ms >"
                    + " ((at_ms + ?) / 86400000 + 1) * 86400000 - ? + ? ORDER BY at_ms, device, seq")) {
                ps.setString(1, room);
                ps.setLong(2, range.fromMs());
                ps.setLong(3, range.toMs());
                ps.setLong(4, LOCAL_OFFSET_MS);
                ps.setLong(5, LOCAL_OFFSET_MS);
                ps.setLong(6, after.toMillis());
                List<StoredEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(readEvent(rs));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the late events of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<StoredEvent> eventsOfKindForRoom(String roomId, EventKind kind, Instant from, Instant to) {
        return kind == EventKind.CHECKIN ? select(SELECT_ROOM_CHECKINS, roomId, null, from, to)
                : select(SELECT_ROOM_KIND, roomId, kind, from, to);
    }

    /** @param kind bound as the statement's fourth parameter, or null when it has none */
    private List<StoredEvent> select(String sql, String roomId, EventKind kind, Instant from, Instant to) {
        TimeRange range = TimeRange.of(from, to);
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(sql)) {
                ps.setString(1, roomId);
                ps.setLong(2, range.fromMs());
                ps.setLong(3, range.toMs());
                if (kind != null) {
                    ps.setString(4, kind.wireName());
                }
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
                    "SELECT seq FROM events WHERE device = ? AND seq > ?"
                            + " UNION SELECT seq FROM quarantined_seqs WHERE device = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, deviceId);
                ps.setLong(2, after);
                ps.setString(3, deviceId);
                ps.setLong(4, after);
                ps.setInt(5, limit);
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
    public java.util.Optional<String> eventIdAt(String deviceId, long seq) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT event_id FROM (SELECT event_id, 0 AS quarantined, received_at_ms FROM events WHERE device = ? AND seq = ?"
                            + " UNION ALL SELECT event_id, 1, received_at_ms FROM quarantined_seqs WHERE device = ? AND seq = ?)"
                            + " ORDER BY quarantined, received_at_ms DESC LIMIT 1")) {
                ps.setString(1, deviceId);
                ps.setLong(2, seq);
                ps.setString(3, deviceId);
                ps.setLong(4, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
                }
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
    public void quarantineSeqs(List<QuarantinedSeq> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("""
                    INSERT OR IGNORE INTO quarantined_seqs (device, seq, event_id, reason, received_at_ms) VALUES (?,?,?,?,?)""")) {
                for (QuarantinedSeq q : seqs) {
                    ps.setString(1, q.deviceId());
                    ps.setLong(2, q.seq());
                    ps.setString(3, q.eventId());
                    ps.setString(4, q.reason().code());
                    ps.setLong(5, q.receivedAt().toEpochMilli());
                    ps.addBatch();
                }
                ps.executeBatch();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": recording " + seqs.size()
                        + " quarantined sequence numbers failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<String, Long> quarantinedSeqCounts() {
        synchronized (reader) {
            try (Statement s = reader.createStatement();
                 ResultSet rs = s.executeQuery("SELECT device, count(DISTINCT seq) FROM quarantined_seqs GROUP BY device")) {
                Map<String, Long> out = new java.util.TreeMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": counting quarantined sequence numbers failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public long pruneQuarantine(Instant olderThan, long keepNewest) {
        if (keepNewest < 0) {
            throw new IllegalArgumentException("keepNewest must not be negative, was " + keepNewest);
        }
        synchronized (writer) {
            try (PreparedStatement old = writer.prepareStatement("DELETE FROM quarantine WHERE received_at_ms < ?");
                 PreparedStatement beyond = writer.prepareStatement("""
                         DELETE FROM quarantine WHERE id NOT IN
                           (SELECT id FROM quarantine ORDER BY received_at_ms DESC, id DESC LIMIT ?)""")) {
                old.setLong(1, olderThan.toEpochMilli());
                int removed = old.executeUpdate();
                beyond.setLong(1, keepNewest);
                removed += beyond.executeUpdate();
                writer.commit();
                return removed;
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": pruning the quarantine failed: " + e.getMessage(), e);
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

    private void markDirtyInTransaction(Collection<RoomDay> days) throws SQLException {
        if (days.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = writer.prepareStatement(MARK_DIRTY)) {
            for (RoomDay d : days) {
                ps.setString(1, d.room());
                ps.setLong(2, d.day().toEpochDay());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<DirtyDay> dirtyDays(Collection<String> rooms) {
        Set<String> wanted = Set.copyOf(rooms);
        synchronized (reader) {
            try (Statement s = reader.createStatement();
                 ResultSet rs = s.executeQuery("SELECT room, day, version FROM derived_dirty ORDER BY room, day")) {
                List<DirtyDay> out = new ArrayList<>();
                while (rs.next()) {
                    String room = rs.getString(1);
                    if (wanted.isEmpty() || wanted.contains(room)) {
                        out.add(new DirtyDay(new RoomDay(room, LocalDate.ofEpochDay(rs.getLong(2))), rs.getLong(3)));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the changed days failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void markDirty(Collection<RoomDay> days) {
        synchronized (writer) {
            try {
                markDirtyInTransaction(days);
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": marking days changed failed: " + e.getMessage(), e);
            }
        }
    }

    /** Nothing to reload: {@link #dirtyDays} reads the marks of every process on the file. */
    @Override
    public void reloadMarks() {
    }

    @Override
    public void clearDirty(Collection<DirtyDay> days) {
        if (days.isEmpty()) {
            return;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "DELETE FROM derived_dirty WHERE room = ? AND day = ? AND version = ?")) {
                for (DirtyDay d : days) {
                    ps.setString(1, d.day().room());
                    ps.setLong(2, d.day().day().toEpochDay());
                    ps.setLong(3, d.version());
                    ps.addBatch();
                }
                ps.executeBatch();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": clearing changed days failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void writeSummaries(String room, List<DaySummary> days) {
        if (days.isEmpty()) {
            return;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO day_summary (" + SUMMARY_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (DaySummary d : days) {
                    CarriedState end = d.end();
                    ps.setString(1, room);
                    ps.setLong(2, d.date().toEpochDay());
                    ps.setLong(3, d.openMillis());
                    ps.setLong(4, d.unattendedMillis());
                    ps.setInt(5, d.checkins());
                    ps.setInt(6, d.alive() ? 1 : 0);
                    ps.setInt(7, d.unsyncedEvents());
                    ps.setInt(8, d.events());
                    ps.setLong(9, d.unattendedGapSeconds());
                    ps.setInt(10, end.open() ? 1 : 0);
                    ps.setLong(11, end.openSinceMs());
                    ps.setInt(12, end.occupied() ? 1 : 0);
                    ps.setLong(13, end.vacantSinceMs());
                    ps.setLong(14, end.lastSignOfLifeMs());
                    ps.addBatch();
                }
                ps.executeBatch();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": writing the summaries of room " + room + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public void writeSeqDays(String room, List<SeqDay> days) {
        if (days.isEmpty()) {
            return;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO seq_day"
                    + " (room, device, day, runs, events, last_received_ms) VALUES (?,?,?,?,?,?)")) {
                for (SeqDay d : days) {
                    ps.setString(1, room);
                    ps.setString(2, d.device());
                    ps.setLong(3, d.day().toEpochDay());
                    ps.setString(4, d.encodedRuns());
                    ps.setLong(5, d.events());
                    ps.setLong(6, d.lastReceivedMs());
                    ps.addBatch();
                }
                ps.executeBatch();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": writing the sequence numbers of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<SeqDay> seqDays(String room, LocalDate from, LocalDate to) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT device, day, runs, events, last_received_ms"
                    + " FROM seq_day WHERE room = ? AND day >= ? AND day <= ? ORDER BY device, day")) {
                ps.setString(1, room);
                ps.setLong(2, from.toEpochDay());
                ps.setLong(3, to.toEpochDay());
                List<SeqDay> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDate day = LocalDate.ofEpochDay(rs.getLong(2));
                        try {
                            out.add(SeqDay.decode(rs.getString(1), day, rs.getString(3), rs.getLong(4), rs.getLong(5)));
                        } catch (IllegalArgumentException e) {
                            throw new StoreException("stored sequence numbers of " + room + " on " + day
                                    + " are unreadable: " + e.getMessage(), e);
                        }
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the sequence numbers of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT day FROM derived_dirty WHERE room = ? AND day >= ? AND day <= ?")) {
                ps.setString(1, room);
                ps.setLong(2, from.toEpochDay());
                ps.setLong(3, to.toEpochDay());
                Set<LocalDate> out = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(LocalDate.ofEpochDay(rs.getLong(1)));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the changed days of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void writeAliveDays(String room, List<AliveDay> days) {
        if (days.isEmpty()) {
            return;
        }
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "INSERT OR REPLACE INTO alive_day (room, day, heartbeats, unsynced, spans) VALUES (?,?,?,?,?)")) {
                for (AliveDay d : days) {
                    ps.setString(1, room);
                    ps.setLong(2, d.day().toEpochDay());
                    ps.setInt(3, d.heartbeats());
                    ps.setInt(4, d.unsynced());
                    ps.setString(5, d.encodedSpans());
                    ps.addBatch();
                }
                ps.executeBatch();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": writing the alive spans of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<LocalDate, AliveDay> aliveDays(String room, LocalDate from, LocalDate to) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT day, heartbeats, unsynced, spans FROM alive_day"
                    + " WHERE room = ? AND day >= ? AND day <= ? ORDER BY day")) {
                ps.setString(1, room);
                ps.setLong(2, from.toEpochDay());
                ps.setLong(3, to.toEpochDay());
                Map<LocalDate, AliveDay> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDate day = LocalDate.ofEpochDay(rs.getLong(1));
                        try {
                            out.put(day, AliveDay.decode(day, rs.getInt(2), rs.getInt(3), rs.getString(4)));
                        } catch (IllegalArgumentException e) {
                            throw new StoreException("stored alive spans of " + room + " on " + day + " are unreadable: "
                                    + e.getMessage(), e);
                        }
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the alive spans of room " + room
                        + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<RoomDay> summariesWithOtherGap(long gapSeconds) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT room, day FROM day_summary WHERE gap_s <> ? ORDER BY room, day")) {
                ps.setLong(1, gapSeconds);
                List<RoomDay> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RoomDay(rs.getString(1), LocalDate.ofEpochDay(rs.getLong(2))));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the summaries' gaps failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<String> derivedFingerprint() {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT value FROM derived_settings WHERE name = 'fingerprint'");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading the derived settings failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void writeDerivedFingerprint(String fingerprint) {
        synchronized (writer) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "INSERT OR REPLACE INTO derived_settings (name, value) VALUES ('fingerprint', ?)")) {
                ps.setString(1, fingerprint);
                ps.executeUpdate();
                writer.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new StoreException("SQLite store " + path + ": writing the derived settings failed: " + e.getMessage(), e);
            }
        }
    }

    private static DaySummary readSummary(ResultSet rs) throws SQLException {
        CarriedState end = new CarriedState(rs.getInt(10) != 0, rs.getLong(11), rs.getInt(12) != 0, rs.getLong(13),
                rs.getLong(14));
        return new DaySummary(LocalDate.ofEpochDay(rs.getLong(2)), rs.getLong(3), rs.getLong(4), rs.getInt(5),
                rs.getInt(6) != 0, rs.getInt(7), rs.getInt(8), rs.getLong(9), end);
    }

    @Override
    public Map<String, List<DaySummary>> summaries(Collection<String> rooms, LocalDate from, LocalDate to) {
        Set<String> wanted = Set.copyOf(rooms);
        String sql = "SELECT " + SUMMARY_COLUMNS + " FROM day_summary WHERE "
                + (wanted.size() == 1 ? "room = ? AND " : "") + "day >= ? AND day <= ? ORDER BY room, day";
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(sql)) {
                int i = 1;
                if (wanted.size() == 1) {
                    ps.setString(i++, wanted.iterator().next());
                }
                ps.setLong(i++, from.toEpochDay());
                ps.setLong(i, to.toEpochDay());
                Map<String, List<DaySummary>> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String room = rs.getString(1);
                        if (wanted.isEmpty() || wanted.contains(room)) {
                            out.computeIfAbsent(room, r -> new ArrayList<>()).add(readSummary(rs));
                        }
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading summaries failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<DaySummary> lastSummaryOnOrBefore(String room, LocalDate day) {
        return oneSummary("SELECT " + SUMMARY_COLUMNS + " FROM day_summary WHERE room = ? AND day <= ? ORDER BY day DESC LIMIT 1",
                room, day.toEpochDay());
    }

    @Override
    public Optional<LocalDate> lastSummaryDate(String room) {
        return oneSummary("SELECT " + SUMMARY_COLUMNS + " FROM day_summary WHERE room = ? AND day <= ? ORDER BY day DESC LIMIT 1",
                room, Long.MAX_VALUE).map(DaySummary::date);
    }

    private Optional<DaySummary> oneSummary(String sql, String room, long day) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(sql)) {
                ps.setString(1, room);
                ps.setLong(2, day);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(readSummary(rs)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading a summary of room " + room + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public long eventCount(String room, Instant from, Instant to) {
        TimeRange range = TimeRange.of(from, to);
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT count(*) FROM events WHERE room = ? AND at_ms >= ? AND at_ms < ?")) {
                ps.setString(1, room);
                ps.setLong(2, range.fromMs());
                ps.setLong(3, range.toMs());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": counting room " + room + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean hasEventsFrom(String room, Instant from) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT 1 FROM events WHERE room = ? AND at_ms >= ? LIMIT 1")) {
                ps.setString(1, room);
                ps.setLong(2, TimeRange.of(from, from).fromMs());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": reading room " + room + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<RoomDay, Long> eventCountsByDay(LocalDate from, LocalDate to) {
        long fromMs = from.atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli();
        long toMs = to.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli();
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT room, (at_ms + ?) / 86400000, count(*) FROM events"
                    + " WHERE at_ms >= ? AND at_ms < ? GROUP BY 1, 2")) {
                ps.setLong(1, LOCAL_OFFSET_MS);
                ps.setLong(2, fromMs);
                ps.setLong(3, toMs);
                Map<RoomDay, Long> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(new RoomDay(rs.getString(1), LocalDate.ofEpochDay(rs.getLong(2))), rs.getLong(3));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("SQLite store " + path + ": counting events per day failed: " + e.getMessage(), e);
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
