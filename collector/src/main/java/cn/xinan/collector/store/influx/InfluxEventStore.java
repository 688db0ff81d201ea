package cn.xinan.collector.store.influx;

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
import cn.xinan.collector.store.StoreRefusedException;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.TimeRange;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventKind;
import cn.xinan.rules.CarriedState;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RulesEngine;
import cn.xinan.wire.SignedEvent;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production store: InfluxDB through the v1 HTTP API with influxdb-java (line protocol writes,
 * InfluxQL reads). Schema (docs/collector.md):
 *
 * <pre>
 * events      tags room, device, kind; time = at_ms × 1,000,000 + (seq mod 1,000,000) ns
 *             fields id, seq, synced, sig (Base64), receivedAt (epoch ms), and per kind reason, prevAliveAt (epoch ms),
 *             staff, occupied, purpose, stage
 * quarantine  tag reason; time = receivedAt_ms × 1,000,000 + a counter (from a random start) mod 1,000,000 ns
 *             fields topic, device, detail, payload (Base64, ≤ 4 KiB), payloadBytes
 * quarantined_seqs (the derived retention policy, store.influxdb.derived-retention-policy) tag device; time = seq ns
 *             fields id, seq, reason, receivedAt (epoch ms): a verified event quarantined as handled ({@link #quarantineSeqs})
 * day_summary (the derived retention policy, store.influxdb.derived-retention-policy) tag room; time = the local day's 00:00
 *             fields openMs, unattendedMs, checkins, alive, unsynced, events, gapSeconds, endOpen, endOpenSince,
 *             endOccupied, endVacantSince, endLastAlive ({@link DaySummary})
 * alive_day   (the derived retention policy) tag room; time = the local day's 00:00
 *             fields heartbeats, unsynced, spans ({@link AliveDay#encodedSpans()})
 * seq_day     (the derived retention policy) tags room, device; time = the local day's 00:00
 *             fields runs ({@link SeqDay#encodedRuns()}), events, lastReceived (epoch ms)
 * derived_mark (the events' retention policy) tag room; time = the local day's 00:00
 *             fields marked (the version of the latest mark), cleared (the version last cleared)
 * derived_settings (the derived retention policy) time 0; fields fingerprint, seqDays (set once the room-days stored
 *             before seq_day existed were marked, so the derivation builds their records)
 * </pre>
 *
 * <p>The days changed by appends ({@link DerivedStore#dirtyDays}) are marked durably in {@code derived_mark} once the
 * events are stored (and for the days of duplicates too: a collector stopped between storing a message's events and
 * marking them did not acknowledge it, so its redelivery marks them), and kept in memory for this store's own
 * derivation. Each mark is a fresh random version; clearing writes that version into {@code cleared} (InfluxDB merges
 * the fields of one point), so a day is marked while {@code marked} differs from {@code cleared}, and a mark written
 * while the day was recomputed is not lost. The durable marks are read when the store opens and at
 * {@link #reloadMarks()}.
 *
 * <p>Why this time: InfluxDB keeps one point per measurement, tag set and time. The event id is not a
 * tag (one series per event would explode the index), so the time must separate events: device times are
 * whole milliseconds, and the sub-millisecond part carries the sequence number. A re-delivered event then
 * overwrites its own identical point, and two events of one device never collide. Reads de-duplicate by
 * event id all the same.
 *
 * <p>An append first asks which of the batch's ids are already stored, so it can report duplicates and never
 * store an event a second time under another room: only for events whose sequence number is not above the
 * highest one stored for their device (learnt once per device, then kept up to date), with one query over the
 * devices and time spans of those events (whatever room they were stored under); then it
 * writes the new points synchronously. With several collector replicas writing one InfluxDB, an event
 * stored by another replica and redelivered to this one can be counted as new (and rewritten, which
 * changes nothing but its receive time); the stored data stays exact. InfluxDB
 * answers 204 only after its WAL is fsynced, so the events are durable when {@code append} returns.
 */
public final class InfluxEventStore implements EventStore {
    static final String EVENTS = "events";
    static final String QUARANTINE = "quarantine";
    static final String DAY_SUMMARY = "day_summary";
    static final String QUARANTINED_SEQS = "quarantined_seqs";
    static final String ALIVE_DAY = "alive_day";
    static final String DERIVED_MARK = "derived_mark";
    static final String DERIVED_SETTINGS = "derived_settings";
    static final String SEQ_DAY = "seq_day";
    /** Points per HTTP write: InfluxDB's guidance is 5,000 to 10,000. */
    private static final int WRITE_CHUNK = 5_000;
    /** HTTP writes of one append in flight at once: InfluxDB parses and indexes them on its own threads. */
    private static final int PARALLEL_WRITES = 2;
    /** Rows per read page; below any server max-row-limit so a page is never silently cut. */
    private static final int READ_PAGE = 5_000;
    /**
     * Devices per duplicate-check query. One query (sent in a POST body) for a whole batch of a collector's
     * default size (500 messages, so at most 500 devices); a round trip per 50 cost more than the query.
     */
    private static final int DEVICES_PER_CHECK = 500;
    /**
     * Rooms per query of the reads over several rooms (an audit's scope): {@code WHERE ("room" = 'a' OR "room" = 'b' ...)
     * GROUP BY "room"}, a statement of a few KB sent in a POST body, whose answer holds at most this many rooms' rows
     * (a term of one room's events beside its heartbeats is a few thousand).
     */
    static final int ROOMS_PER_QUERY = 50;
    /** Rooms whose summaries are asked by name (4 queries at most); more are read with the whole period. */
    static final int ROOMS_BY_NAME = 4 * ROOMS_PER_QUERY;

    private final StoreSettings.Influx settings;
    private final InfluxDB influx;
    private final String eventsFrom;
    private final String quarantineFrom;
    private final String derivedPolicy;
    private final String summariesFrom;
    private final String quarantinedSeqsFrom;
    private final String aliveFrom;
    private final String seqDaysFrom;
    private final String marksFrom;
    private final String derivedSettingsFrom;
    /**
     * Marked days: this store's own marks and the durable ones read at {@link #reloadMarks()}, with the version of
     * each mark ({@link DerivedStore#clearDirty}).
     */
    /** The nanosecond offsets of quarantined messages within their millisecond: a counter from a random start. */
    private final java.util.concurrent.atomic.AtomicLong quarantineOffsets =
            new java.util.concurrent.atomic.AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000L));
    private final Map<RoomDay, Long> dirty = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Per device, the highest sequence number stored: an event above it cannot be stored already (a device
     * never reuses a number and this store is the only writer it knows of), so only events at or below it need
     * the duplicate check. Live traffic, which arrives in order, then needs no query at all.
     */
    private final Map<String, Long> storedHighWater = new java.util.concurrent.ConcurrentHashMap<>();
    /** Sends the chunks of one append after the first; the caller's thread sends the first. */
    private final java.util.concurrent.ExecutorService writers;

    private InfluxEventStore(StoreSettings.Influx settings, InfluxDB influx) {
        this.settings = settings;
        this.influx = influx;
        String prefix = ident(settings.database()) + "." + ident(settings.retentionPolicy()) + ".";
        this.eventsFrom = prefix + ident(EVENTS);
        this.quarantineFrom = prefix + ident(QUARANTINE);
        this.derivedPolicy = settings.derivedRetentionPolicy();
        this.summariesFrom = ident(settings.database()) + "." + ident(derivedPolicy) + "." + ident(DAY_SUMMARY);
        this.quarantinedSeqsFrom = ident(settings.database()) + "." + ident(derivedPolicy) + "." + ident(QUARANTINED_SEQS);
        this.aliveFrom = ident(settings.database()) + "." + ident(derivedPolicy) + "." + ident(ALIVE_DAY);
        this.seqDaysFrom = ident(settings.database()) + "." + ident(derivedPolicy) + "." + ident(SEQ_DAY);
        this.marksFrom = prefix + ident(DERIVED_MARK);
        this.derivedSettingsFrom = ident(settings.database()) + "." + ident(derivedPolicy) + "." + ident(DERIVED_SETTINGS);
        AtomicInteger n = new AtomicInteger();
        this.writers = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL_WRITES - 1, r -> {
            Thread t = new Thread(r, "xinan-influx-write-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects, and creates the database and the retention policy when they are missing. */
    public static InfluxEventStore open(StoreSettings.Influx settings) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(60, TimeUnit.SECONDS)
                .writeTimeout(60, TimeUnit.SECONDS);
        InfluxDB influx = settings.username() == null
                ? InfluxDBFactory.connect(settings.url(), http)
                : InfluxDBFactory.connect(settings.url(), settings.username(),
                settings.password() == null ? "" : settings.password(), http);
        influx.setLogLevel(InfluxDB.LogLevel.NONE);
        InfluxEventStore store = new InfluxEventStore(settings, influx);
        try {
            store.createIfMissing();
            store.reloadMarks();
            store.markDaysWithoutSeqDays();
            return store;
        } catch (RuntimeException e) {
            influx.close();
            throw e;
        }
    }

    private void createIfMissing() {
        QueryResult dbs = run("SHOW DATABASES", null);
        boolean exists = values(dbs).stream().anyMatch(row -> settings.database().equals(row.get(0)));
        if (!exists) {
            run("CREATE DATABASE " + ident(settings.database()), null);
        }
        QueryResult rps = run("SHOW RETENTION POLICIES ON " + ident(settings.database()), null);
        boolean rpExists = values(rps).stream().anyMatch(row -> settings.retentionPolicy().equals(row.get(0)));
        if (!rpExists) {
            run("CREATE RETENTION POLICY " + ident(settings.retentionPolicy()) + " ON " + ident(settings.database())
                    + " DURATION " + settings.retentionDuration() + " REPLICATION 1", null);
        }
        boolean derivedExists = values(rps).stream().anyMatch(row -> derivedPolicy.equals(row.get(0)));
        if (!derivedExists) {
            run("CREATE RETENTION POLICY " + ident(derivedPolicy) + " ON " + ident(settings.database())
                    + " DURATION " + settings.derivedRetentionDuration() + " REPLICATION 1", null);
        }
    }

    @Override
    public AppendResult append(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return AppendResult.NOTHING;
        }
        events.forEach(StoredEvent::checkStorable);
        Map<String, StoredEvent> unique = new LinkedHashMap<>();
        for (StoredEvent e : events) {
            unique.putIfAbsent(e.eventId(), e);
        }
        seedHighWater(unique.values());
        List<StoredEvent> toCheck = new ArrayList<>();
        for (StoredEvent e : unique.values()) {
            if (e.event().seq() <= storedHighWater.get(e.event().deviceId())) {
                toCheck.add(e);
            }
        }
        Set<String> existing = toCheck.isEmpty() ? Set.of() : existingIds(toCheck);
        List<Point> points = new ArrayList<>(unique.size());
        for (StoredEvent e : unique.values()) {
            if (!existing.contains(e.eventId())) {
                points.add(point(e));
            }
        }
        write(points);
        for (StoredEvent e : unique.values()) {
            storedHighWater.merge(e.event().deviceId(), e.event().seq(), Math::max);
        }
        // the days of duplicates too: they may be the redelivery of a message whose events were stored but not marked
        Set<RoomDay> changed = new HashSet<>();
        for (StoredEvent e : unique.values()) {
            changed.add(new RoomDay(e.roomId(), LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE)));
        }
        markDirty(changed);
        return new AppendResult(points.size(), events.size() - points.size());
    }

    /**
     * Learns, once per device, the highest sequence number stored for it (0 when none): one query for all
     * the devices of a batch that this store has not seen yet.
     */
    private void seedHighWater(Iterable<StoredEvent> events) {
        Set<String> unseen = new java.util.TreeSet<>();
        for (StoredEvent e : events) {
            if (!storedHighWater.containsKey(e.event().deviceId())) {
                unseen.add(e.event().deviceId());
            }
        }
        if (unseen.isEmpty()) {
            return;
        }
        StringBuilder q = new StringBuilder("SELECT max(\"seq\") FROM ").append(eventsFrom).append(" WHERE ");
        boolean first = true;
        for (String device : unseen) {
            q.append(first ? "" : " OR ").append("\"device\" = ").append(literal(device));
            first = false;
        }
        q.append(" GROUP BY \"device\"");
        Map<String, Long> found = new HashMap<>();
        for (QueryResult.Result r : run(q.toString(), settings.database(), true).getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                if (series.getValues() != null && !series.getValues().isEmpty() && series.getTags() != null) {
                    Object max = series.getValues().get(0).get(1);
                    found.put(series.getTags().get("device"), max == null ? 0L : ((Number) max).longValue());
                }
            }
        }
        for (String device : unseen) {
            storedHighWater.merge(device, found.getOrDefault(device, 0L), Math::max);
        }
    }

    /**
     * Ids of these events that are already stored, under whatever room: one query per {@value #DEVICES_PER_CHECK}
     * devices over each device's time span. The device is a tag and an event's point time is fixed by its own
     * time and sequence number, so this finds an event stored under the room its device belonged to before a move.
     */
    private Set<String> existingIds(Iterable<StoredEvent> events) {
        Map<String, long[]> spans = new TreeMap<>();
        for (StoredEvent e : events) {
            long t = pointTime(e.event());
            spans.merge(e.event().deviceId(), new long[]{t, t}, (a, b) -> new long[]{Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Set<String> found = new HashSet<>();
        List<Map.Entry<String, long[]>> all = new ArrayList<>(spans.entrySet());
        for (int i = 0; i < all.size(); i += DEVICES_PER_CHECK) {
            StringBuilder q = new StringBuilder();
            List<Map.Entry<String, long[]>> group = all.subList(i, Math.min(all.size(), i + DEVICES_PER_CHECK));
            for (int j = 0; j < group.size(); j++) {
                Map.Entry<String, long[]> span = group.get(j);
                q.append(j == 0 ? "" : ";").append("SELECT \"id\" FROM ").append(eventsFrom)
                        .append(" WHERE \"device\" = ").append(literal(span.getKey()))
                        .append(" AND time >= ").append(span.getValue()[0])
                        .append(" AND time <= ").append(span.getValue()[1]);
            }
            for (List<Object> row : values(run(q.toString(), settings.database(), true))) {
                found.add((String) row.get(1));
            }
        }
        return found;
    }

    /**
     * Writes in chunks of {@value #WRITE_CHUNK} points, up to {@value #PARALLEL_WRITES} at once, and returns only
     * when InfluxDB has answered every chunk (each answer comes after its WAL fsync): durable when it returns, and
     * any failed chunk fails the whole write (the caller retries all of it; rewriting a stored point is harmless).
     */
    private void write(List<Point> points) {
        List<List<Point>> chunks = new ArrayList<>();
        for (int i = 0; i < points.size(); i += WRITE_CHUNK) {
            chunks.add(points.subList(i, Math.min(points.size(), i + WRITE_CHUNK)));
        }
        if (chunks.size() <= 1 || PARALLEL_WRITES == 1) {
            chunks.forEach(this::writeChunk);
            return;
        }
        // chunk k goes to the pool when k % PARALLEL_WRITES != 0, to this thread otherwise
        List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
        for (int k = 0; k < chunks.size(); k++) {
            if (k % PARALLEL_WRITES != 0) {
                List<Point> chunk = chunks.get(k);
                pending.add(writers.submit(() -> writeChunk(chunk)));
            }
        }
        StoreException failure = null;
        for (int k = 0; k < chunks.size(); k += PARALLEL_WRITES) {
            try {
                writeChunk(chunks.get(k));
            } catch (StoreException e) {
                failure = e;
                break;
            }
        }
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof StoreException se ? se
                            : new StoreException("InfluxDB " + settings.url() + ": write failed: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new StoreException("InfluxDB " + settings.url() + ": interrupted while writing", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void writeChunk(List<Point> chunk) {
        BatchPoints batch = BatchPoints.database(settings.database())
                .retentionPolicy(settings.retentionPolicy())
                .precision(TimeUnit.NANOSECONDS)
                .points(chunk)
                .build();
        try {
            influx.write(batch);
        } catch (InfluxDBException.UnableToParseException | InfluxDBException.FieldTypeConflictException
                 | InfluxDBException.PointsBeyondRetentionPolicyException e) {
            // the data, not the database: writing it again fails the same way
            throw new StoreRefusedException("InfluxDB " + settings.url() + " refused the points: " + e.getMessage(), e);
        } catch (InfluxDBException e) {
            throw new StoreException("InfluxDB " + settings.url() + ": write failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new StoreException("InfluxDB " + settings.url() + " unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * Writes derived figures ({@link InfluxFigures}) into this store's database and derived retention policy (with
     * the day summaries, kept longer than the events), apart from the event path: no duplicate check, no high-water
     * mark; a point with the same measurement, tags and time replaces the one stored. Durable when it returns.
     *
     * @throws StoreException when any chunk fails
     */
    void writeDerived(List<Point> points) {
        for (int i = 0; i < points.size(); i += WRITE_CHUNK) {
            BatchPoints batch = BatchPoints.database(settings.database()).retentionPolicy(derivedPolicy)
                    .precision(TimeUnit.NANOSECONDS).points(points.subList(i, Math.min(points.size(), i + WRITE_CHUNK)))
                    .build();
            try {
                influx.write(batch);
            } catch (InfluxDBException e) {
                throw new StoreException("InfluxDB " + settings.url() + ": writing figures failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new StoreException("InfluxDB " + settings.url() + " unreachable: " + e.getMessage(), e);
            }
        }
    }

    /** One value read back by {@link #readDerived}: the series' tag value, the point's time and the field. */
    record DerivedValue(String tag, long timeNs, String value) {
    }

    /**
     * Every point of a measurement in the derived retention policy, as one string field per series of {@code tag} and
     * time: what {@link InfluxFigures} reads back of its own records.
     *
     * @throws StoreException when the query fails
     */
    List<DerivedValue> readDerived(String measurement, String tag, String field) {
        QueryResult result = run("SELECT " + ident(field) + " FROM " + ident(settings.database()) + "."
                + ident(derivedPolicy) + "." + ident(measurement) + " GROUP BY " + ident(tag), settings.database());
        List<DerivedValue> out = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                for (List<Object> row : series.getValues()) {
                    Row v = new Row(series.getColumns(), row);
                    out.add(new DerivedValue(series.getTags().get(tag), v.timeNs(), v.string(field)));
                }
            }
        }
        return out;
    }

    /** The point time in ns: the device time with the sequence number in the sub-millisecond digits. */
    static long pointTime(DeviceEvent e) {
        return Math.addExact(Math.multiplyExact(e.at().toEpochMilli(), 1_000_000L), Math.floorMod(e.seq(), 1_000_000L));
    }

    private static Point point(StoredEvent stored) {
        DeviceEvent e = stored.event();
        BodyColumns c = BodyColumns.of(e.body());
        Point.Builder p = Point.measurement(EVENTS)
                .time(pointTime(e), TimeUnit.NANOSECONDS)
                .tag("room", stored.roomId())
                .tag("device", e.deviceId())
                .tag("kind", e.kind().wireName())
                .addField("id", e.eventId())
                .addField("seq", e.seq())
                .addField("synced", e.clockSynced())
                .addField("sig", Base64.getEncoder().encodeToString(stored.signed().signature()))
                .addField("receivedAt", stored.receivedAt().toEpochMilli());
        if (c.reason() != null) {
            p.addField("reason", c.reason());
        }
        if (c.prevAliveAtMs() != null) {
            p.addField("prevAliveAt", (long) c.prevAliveAtMs());
        }
        if (c.staff() != null) {
            p.addField("staff", c.staff());
        }
        if (c.occupied() != null) {
            p.addField("occupied", (boolean) c.occupied());
        }
        if (c.purpose() != null) {
            p.addField("purpose", c.purpose());
        }
        if (c.stage() != null) {
            p.addField("stage", c.stage());
        }
        return p.build();
    }

    @Override
    public List<StoredEvent> eventsForRoom(String roomId, Instant from, Instant to) {
        return roomEvents(roomId, from, to, "");
    }

    /** {@inheritDoc} The kind is a tag: the heartbeats' series are not read at all. */
    @Override
    public List<StoredEvent> eventsBesideHeartbeats(String room, Instant from, Instant to) {
        return roomEvents(room, from, to, " AND \"kind\" != " + literal(EventKind.HEARTBEAT.wireName()));
    }

    @Override
    public List<StoredEvent> heartbeats(String room, Instant from, Instant to) {
        return roomEvents(room, from, to, " AND \"kind\" = " + literal(EventKind.HEARTBEAT.wireName()));
    }

    @Override
    public List<StoredEvent> eventsOfKindForRoom(String roomId, EventKind kind, Instant from, Instant to) {
        return roomEvents(roomId, from, to, " AND \"kind\" = " + literal(kind.wireName()));
    }

    /** {@inheritDoc} {@value #ROOMS_PER_QUERY} rooms per query, grouped by room. */
    @Override
    public Map<String, List<StoredEvent>> eventsBesideHeartbeats(Collection<String> rooms, Instant from, Instant to) {
        return roomsEvents(rooms, from, to, " AND \"kind\" != " + literal(EventKind.HEARTBEAT.wireName()));
    }

    /** {@inheritDoc} {@value #ROOMS_PER_QUERY} rooms per query, grouped by room. */
    @Override
    public Map<String, List<StoredEvent>> heartbeats(Collection<String> rooms, Instant from, Instant to) {
        return roomsEvents(rooms, from, to, " AND \"kind\" = " + literal(EventKind.HEARTBEAT.wireName()));
    }

    /** @param condition an InfluxQL condition on the kind tag, or empty */
    private List<StoredEvent> roomEvents(String roomId, Instant from, Instant to, String condition) {
        TimeRange range = TimeRange.of(from, to);
        Map<String, StoredEvent> byId = new LinkedHashMap<>();
        pageOn(roomId, range.fromMs() * 1_000_000L, range.toMs() * 1_000_000L, condition, byId);
        return inStoreOrder(byId);
    }

    /**
     * {@inheritDoc} Only the times: {@code SELECT "synced"} of the events other than heartbeats with {@code synced} true,
     * {@value #ROOMS_PER_QUERY} rooms per query grouped by room, no event decoded (a term of a room's events beside its
     * heartbeats is a few thousand rows of two columns instead of fifteen).
     */
    @Override
    public Map<String, long[]> syncedTimesBesideHeartbeats(Collection<String> rooms, Instant from, Instant to) {
        Map<String, java.util.TreeSet<Long>> times = new LinkedHashMap<>();
        for (String room : rooms) {
            times.putIfAbsent(room, new java.util.TreeSet<>());
        }
        roomsRows(times.keySet(), "\"synced\"", from, to, " AND \"kind\" != " + literal(EventKind.HEARTBEAT.wireName())
                + " AND \"synced\" = true", (room, row) -> times.get(room).add(Math.floorDiv(row.timeNs(), 1_000_000L)));
        Map<String, long[]> out = new LinkedHashMap<>();
        times.forEach((room, t) -> out.put(room, t.stream().mapToLong(Long::longValue).toArray()));
        return out;
    }

    /**
     * The events of several rooms ({@link #roomsRows}), each once, in {@link #eventsForRoom}'s order.
     *
     * @param condition an InfluxQL condition on the kind tag, or empty
     */
    private Map<String, List<StoredEvent>> roomsEvents(Collection<String> rooms, Instant from, Instant to, String condition) {
        Map<String, Map<String, StoredEvent>> byRoom = new LinkedHashMap<>();
        for (String room : rooms) {
            byRoom.putIfAbsent(room, new LinkedHashMap<>());
        }
        roomsRows(byRoom.keySet(), "*", from, to, condition, (room, row) -> {
            StoredEvent e = readEvent(row, room);
            byRoom.get(room).putIfAbsent(e.eventId(), e);
        });
        Map<String, List<StoredEvent>> out = new LinkedHashMap<>();
        byRoom.forEach((room, byId) -> out.put(room, inStoreOrder(byId)));
        return out;
    }

    /** A row of {@link #roomsRows} with its room (the series' tag). */
    @FunctionalInterface
    private interface RoomRow {
        void accept(String room, Row row);
    }

    /**
     * Hands {@code sink} the rows of {@code fields} of the events of {@code rooms} in {@code [from, to)}: one query per
     * {@value #ROOMS_PER_QUERY} rooms, grouped by room, whose {@code LIMIT} holds per room; a room that fills its page is
     * read on alone from its last time, as {@link #roomEvents} pages (a row at that time can be handed over twice).
     *
     * @param condition an InfluxQL condition on the kind tag and fields, or empty
     */
    private void roomsRows(Collection<String> rooms, String fields, Instant from, Instant to, String condition,
                           RoomRow sink) {
        TimeRange range = TimeRange.of(from, to);
        long fromNs = range.fromMs() * 1_000_000L;
        long toNs = range.toMs() * 1_000_000L;
        for (List<String> chunk : chunks(rooms)) {
            Map<String, Long> full = roomsPage(chunk, fields, fromNs, toNs, condition, sink);
            for (Map.Entry<String, Long> room : full.entrySet()) {
                long cursor = room.getValue();
                while (true) {
                    Long last = roomsPage(List.of(room.getKey()), fields, cursor, toNs, condition, sink).get(room.getKey());
                    if (last == null) {
                        break;
                    }
                    cursor = last;
                }
            }
        }
    }

    /**
     * One page of {@link #roomsRows} from {@code cursor}: returns the rooms whose page was full, each with the time to read
     * on from.
     *
     * @throws StoreException when more than a page of a room's points share the time {@code cursor}
     */
    private Map<String, Long> roomsPage(List<String> rooms, String fields, long cursor, long toNs, String condition,
                                        RoomRow sink) {
        String q = "SELECT " + fields + " FROM " + eventsFrom + " WHERE " + anyRoom(rooms) + condition + " AND time >= "
                + cursor + " AND time < " + toNs + " GROUP BY \"room\" ORDER BY time ASC LIMIT " + READ_PAGE;
        Map<String, Long> full = new LinkedHashMap<>();
        for (QueryResult.Result r : run(q, settings.database(), true).getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                String room = series.getTags() == null ? null : series.getTags().get("room");
                if (room == null || !rooms.contains(room) || series.getValues() == null) {
                    continue;
                }
                long last = cursor;
                for (List<Object> row : series.getValues()) {
                    Row v = new Row(series.getColumns(), row);
                    sink.accept(room, v);
                    last = v.timeNs();
                }
                if (series.getValues().size() >= READ_PAGE) {
                    if (last == cursor) {
                        throw new StoreException("InfluxDB: more than " + READ_PAGE + " points of room " + room
                                + " share the time " + cursor + " ns; cannot page");
                    }
                    full.put(room, last);
                }
            }
        }
        return full;
    }

    /** A row of a series read over several rooms, with the series' tags (the room's among them). */
    private interface TaggedRow {
        void accept(Map<String, String> tags, Row row);
    }

    /**
     * Every row of {@code fields} in {@code measurement} on the days {@code from..to} of {@code rooms} (distinct), one
     * query per {@value #ROOMS_PER_QUERY} rooms grouped by {@code groupBy} (the room first), handed to {@code each}
     * with its series' tags; a series of a room not asked for (none is) is skipped.
     */
    private void roomDayRows(Collection<String> rooms, String fields, String measurement, LocalDate from, LocalDate to,
                             String groupBy, TaggedRow each) {
        Set<String> asked = Set.copyOf(rooms);
        for (List<String> chunk : chunks(rooms)) {
            QueryResult result = run("SELECT " + fields + " FROM " + measurement + " WHERE " + anyRoom(chunk)
                    + " AND time >= " + midnightNs(from) + " AND time < " + midnightNs(to.plusDays(1)) + " GROUP BY "
                    + groupBy, settings.database(), true);
            for (QueryResult.Result r : result.getResults()) {
                if (r.getSeries() == null) {
                    continue;
                }
                for (QueryResult.Series series : r.getSeries()) {
                    Map<String, String> tags = series.getTags() == null ? Map.of() : series.getTags();
                    if (!asked.contains(tags.get("room")) || series.getValues() == null) {
                        continue;
                    }
                    for (List<Object> row : series.getValues()) {
                        each.accept(tags, new Row(series.getColumns(), row));
                    }
                }
            }
        }
    }

    /** The local day (Asia/Shanghai) of a row's time. */
    private static LocalDate localDay(Row v) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(Math.floorDiv(v.timeNs(), 1_000_000L)), RulesEngine.ZONE);
    }

    /** {@code ("room" = 'a' OR "room" = 'b' ...)}, the values escaped as every literal of this store. */
    private static String anyRoom(List<String> rooms) {
        StringBuilder q = new StringBuilder("(");
        for (int i = 0; i < rooms.size(); i++) {
            q.append(i == 0 ? "" : " OR ").append("\"room\" = ").append(literal(rooms.get(i)));
        }
        return q.append(')').toString();
    }

    /** The distinct rooms in groups of at most {@value #ROOMS_PER_QUERY}, in their order. */
    private static List<List<String>> chunks(Collection<String> rooms) {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(rooms));
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += ROOMS_PER_QUERY) {
            out.add(all.subList(i, Math.min(all.size(), i + ROOMS_PER_QUERY)));
        }
        return out;
    }

    private static List<StoredEvent> inStoreOrder(Map<String, StoredEvent> byId) {
        List<StoredEvent> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing((StoredEvent s) -> s.event().at())
                .thenComparing(s -> s.event().deviceId())
                .thenComparingLong(s -> s.event().seq()));
        return out;
    }

    /** Reads a room's events from {@code cursor} (inclusive) to {@code toNs} into {@code byId}, a page at a time. */
    private void pageOn(String roomId, long cursor, long toNs, String condition, Map<String, StoredEvent> byId) {
        while (true) {
            // Paged by time: a page starts at the last time seen (inclusive); points at that time seen twice are
            // removed by the de-duplication by id.
            String q = "SELECT * FROM " + eventsFrom + " WHERE \"room\" = " + literal(roomId) + condition
                    + " AND time >= " + cursor + " AND time < " + toNs + " ORDER BY time ASC LIMIT " + READ_PAGE;
            QueryResult result = run(q, settings.database());
            List<String> columns = columns(result);
            List<List<Object>> rows = values(result);
            long last = cursor;
            for (List<Object> row : rows) {
                Row r = new Row(columns, row);
                StoredEvent e = readEvent(r, r.string("room"));
                byId.putIfAbsent(e.eventId(), e);
                last = r.timeNs();
            }
            if (rows.size() < READ_PAGE) {
                break;
            }
            if (last == cursor) {
                throw new StoreException("InfluxDB: more than " + READ_PAGE + " points of room " + roomId
                        + " share the time " + cursor + " ns; cannot page");
            }
            cursor = last;
        }
    }

    /** @param room the room tag (a column, or the series' tag when grouped by room) */
    private static StoredEvent readEvent(Row r, String room) {
        String id = r.string("id");
        try {
            EventKind kind = EventKind.ofWireName(r.string("kind"));
            BodyColumns c = new BodyColumns(r.string("reason"), r.longOrNull("prevAliveAt"), r.string("staff"),
                    r.bool("occupied"), r.string("purpose"), r.string("stage"));
            long ns = r.timeNs();
            DeviceEvent event = new DeviceEvent(id, r.string("device"), r.longOrNull("seq"),
                    Instant.ofEpochMilli(Math.floorDiv(ns, 1_000_000L)), Boolean.TRUE.equals(r.bool("synced")),
                    c.toBody(kind));
            return new StoredEvent(new SignedEvent(event, Base64.getDecoder().decode(r.string("sig"))),
                    room, Instant.ofEpochMilli(r.longOrNull("receivedAt")));
        } catch (RuntimeException e) {
            throw new StoreException("stored event " + id + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc} InfluxDB cannot order by a field, so this reads every stored seq of the device above
     * {@code after} (a field filter over the device's series) and sorts them here.
     */
    @Override
    public List<Long> sequenceNumbersAbove(String deviceId, long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        java.util.TreeSet<Long> seqs = new java.util.TreeSet<>();
        for (List<Object> row : values(run("SELECT \"seq\" FROM " + eventsFrom + " WHERE \"device\" = "
                + literal(deviceId) + " AND \"seq\" > " + after, settings.database()))) {
            seqs.add(((Number) row.get(1)).longValue());
        }
        for (List<Object> row : values(run("SELECT \"seq\" FROM " + quarantinedSeqsFrom + " WHERE \"device\" = "
                + literal(deviceId) + " AND \"seq\" > " + after, settings.database()))) {
            seqs.add(((Number) row.get(1)).longValue());
        }
        return seqs.stream().limit(limit).toList();
    }

    @Override
    public java.util.Optional<String> eventIdAt(String deviceId, long seq) {
        List<List<Object>> rows = values(run("SELECT \"id\", \"receivedAt\" FROM " + eventsFrom + " WHERE \"device\" = "
                + literal(deviceId) + " AND \"seq\" = " + seq, settings.database()));
        Optional<String> stored = rows.stream()
                .max(java.util.Comparator.comparingLong(r -> r.get(2) == null ? 0 : ((Number) r.get(2)).longValue()))
                .map(r -> (String) r.get(1));
        if (stored.isPresent()) {
            return stored;
        }
        return values(run("SELECT \"id\" FROM " + quarantinedSeqsFrom + " WHERE \"device\" = " + literal(deviceId)
                + " AND \"seq\" = " + seq, settings.database())).stream().map(r -> (String) r.get(1)).findFirst();
    }

    /**
     * One point per device and sequence number (time = seq ns, so a repeat overwrites its own point) in the derived
     * retention policy, which never expires: the quarantine list's retention and size bound do not apply.
     */
    @Override
    public void quarantineSeqs(List<QuarantinedSeq> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        BatchPoints.Builder batch = BatchPoints.database(settings.database()).retentionPolicy(derivedPolicy)
                .precision(TimeUnit.NANOSECONDS);
        for (QuarantinedSeq q : seqs) {
            // the device is registered and its signature verified: a tag, one series per device
            batch.point(Point.measurement(QUARANTINED_SEQS)
                    .time(q.seq(), TimeUnit.NANOSECONDS)
                    .tag("device", q.deviceId())
                    .addField("id", q.eventId())
                    .addField("seq", q.seq())
                    .addField("reason", q.reason().code())
                    .addField("receivedAt", q.receivedAt().toEpochMilli())
                    .build());
        }
        try {
            influx.write(batch.build());
        } catch (RuntimeException e) {
            throw new StoreException("InfluxDB " + settings.url() + ": recording " + seqs.size()
                    + " quarantined sequence numbers failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Long> quarantinedSeqCounts() {
        QueryResult result = run("SELECT count(\"seq\") FROM " + quarantinedSeqsFrom + " GROUP BY \"device\"",
                settings.database());
        Map<String, Long> out = new TreeMap<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                out.put(series.getTags().get("device"), ((Number) series.getValues().get(0).get(1)).longValue());
            }
        }
        return out;
    }

    @Override
    public long eventCount() {
        List<List<Object>> rows = values(run("SELECT count(\"seq\") FROM " + eventsFrom, settings.database()));
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }

    @Override
    public void quarantine(List<QuarantinedMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<Point> points = new ArrayList<>(messages.size());
        Base64.Encoder base64 = Base64.getEncoder();
        for (QuarantinedMessage m : messages) {
            // Many rejects can share a millisecond and a reason: a random sub-millisecond part keeps them apart.
            // a counter from a random start: within this store the offsets of one millisecond never collide (random
            // ones did, about once in 50 for 200 rejects), and another replica starts elsewhere
            long ns = m.receivedAt().toEpochMilli() * 1_000_000L + Math.floorMod(quarantineOffsets.getAndIncrement(), 1_000_000L);
            Point.Builder p = Point.measurement(QUARANTINE)
                    .time(ns, TimeUnit.NANOSECONDS)
                    .tag("reason", m.reason().code())
                    .addField("topic", m.topic())
                    .addField("detail", m.detail())
                    .addField("payload", base64.encodeToString(m.payload()))
                    .addField("payloadBytes", (long) m.payloadBytes());
            if (m.deviceId() != null) {
                // a field, not a tag: an attacker chooses it, so it must not create series
                p.addField("device", m.deviceId());
            }
            points.add(p.build());
        }
        write(points);
    }

    @Override
    public long pruneQuarantine(Instant olderThan, long keepNewest) {
        if (keepNewest < 0) {
            throw new IllegalArgumentException("keepNewest must not be negative, was " + keepNewest);
        }
        long before = quarantineTotal();
        if (before == 0) {
            return 0;
        }
        run("DELETE FROM " + ident(QUARANTINE) + " WHERE time < " + olderThan.toEpochMilli() * 1_000_000L, settings.database(), true);
        List<List<Object>> cut = values(run("SELECT \"payloadBytes\" FROM " + quarantineFrom + " ORDER BY time DESC LIMIT 1 OFFSET "
                + keepNewest, settings.database()));
        if (!cut.isEmpty()) {
            Instant t = Instant.parse((String) cut.get(0).get(0));
            long ns = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
            run("DELETE FROM " + ident(QUARANTINE) + " WHERE time <= " + ns, settings.database(), true);
        }
        return Math.max(0, before - quarantineTotal());
    }

    private long quarantineTotal() {
        List<List<Object>> rows = values(run("SELECT count(\"payloadBytes\") FROM " + quarantineFrom, settings.database()));
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }

    @Override
    public List<QuarantinedMessage> recentQuarantine(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        QueryResult result = run("SELECT * FROM " + quarantineFrom + " ORDER BY time DESC LIMIT " + limit,
                settings.database());
        List<String> columns = columns(result);
        List<QuarantinedMessage> out = new ArrayList<>();
        for (List<Object> row : values(result)) {
            Row r = new Row(columns, row);
            out.add(new QuarantinedMessage(r.string("topic"), r.string("device"), QuarantineReason.ofCode(r.string("reason")),
                    r.string("detail"), Instant.ofEpochMilli(Math.floorDiv(r.timeNs(), 1_000_000L)),
                    Base64.getDecoder().decode(r.string("payload")), r.longOrNull("payloadBytes").intValue()));
        }
        return out;
    }

    @Override
    public Map<QuarantineReason, Long> quarantineCounts() {
        QueryResult result = run("SELECT count(\"payloadBytes\") FROM " + quarantineFrom + " GROUP BY \"reason\"",
                settings.database());
        Map<QuarantineReason, Long> out = new EnumMap<>(QuarantineReason.class);
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series s : r.getSeries()) {
                long n = ((Number) s.getValues().get(0).get(1)).longValue();
                out.put(QuarantineReason.ofCode(s.getTags().get("reason")), n);
            }
        }
        return out;
    }

    @Override
    public List<DirtyDay> dirtyDays(Collection<String> rooms) {
        Set<String> wanted = Set.copyOf(rooms);
        List<DirtyDay> out = new ArrayList<>();
        dirty.forEach((day, version) -> {
            if (wanted.isEmpty() || wanted.contains(day.room())) {
                out.add(new DirtyDay(day, version));
            }
        });
        return out;
    }

    /** Writes a fresh version of each mark durably, then keeps it in memory for this store's derivation. */
    @Override
    public void markDirty(Collection<RoomDay> days) {
        if (days.isEmpty()) {
            return;
        }
        Map<RoomDay, Long> versions = new HashMap<>();
        List<Point> points = new ArrayList<>(days.size());
        for (RoomDay d : days) {
            // below 2^53: InfluxDB's JSON answers carry numbers as doubles, which hold such a version exactly
            long version = ThreadLocalRandom.current().nextLong(1, 1L << 53);
            versions.put(d, version);
            points.add(Point.measurement(DERIVED_MARK).time(midnightNs(d.day()), TimeUnit.NANOSECONDS)
                    .tag("room", d.room()).addField("marked", version).build());
        }
        write(points); // beside the events, in their retention policy: a mark outlives them to no purpose
        dirty.putAll(versions);
    }

    /** Writes each cleared version beside its mark: a mark written since (another version) stays. */
    @Override
    public void clearDirty(Collection<DirtyDay> days) {
        if (days.isEmpty()) {
            return;
        }
        List<Point> points = new ArrayList<>(days.size());
        for (DirtyDay d : days) {
            points.add(Point.measurement(DERIVED_MARK).time(midnightNs(d.day().day()), TimeUnit.NANOSECONDS)
                    .tag("room", d.day().room()).addField("cleared", d.version()).build());
        }
        write(points);
        for (DirtyDay d : days) {
            dirty.remove(d.day(), d.version());
        }
    }

    /**
     * One query over every mark kept (one point per room-day marked while its raw events are kept), at open and when
     * asked.
     */
    @Override
    public void reloadMarks() {
        QueryResult result = run("SELECT \"marked\", \"cleared\" FROM " + marksFrom + " GROUP BY \"room\"",
                settings.database());
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                String room = series.getTags().get("room");
                for (List<Object> row : series.getValues()) {
                    Row v = new Row(series.getColumns(), row);
                    Long marked = v.longOrNull("marked");
                    Long cleared = v.longOrNull("cleared");
                    if (marked != null && !marked.equals(cleared)) {
                        dirty.putIfAbsent(new RoomDay(room, localDay(v)), marked);
                    }
                }
            }
        }
    }

    void writeToDerived(List<Point> points, String what) {
        for (int i = 0; i < points.size(); i += WRITE_CHUNK) {
            BatchPoints batch = BatchPoints.database(settings.database()).retentionPolicy(derivedPolicy)
                    .precision(TimeUnit.NANOSECONDS).points(points.subList(i, Math.min(points.size(), i + WRITE_CHUNK)))
                    .build();
            try {
                influx.write(batch);
            } catch (InfluxDBException e) {
                throw new StoreException("InfluxDB " + settings.url() + ": " + what + " failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new StoreException("InfluxDB " + settings.url() + " unreachable: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A database written before {@code seq_day} existed: marks every room-day with events, so the derivation builds their
     * records from the raw events (until then {@link #sequenceRuns} reads those days raw), then notes that it did. Two
     * replicas opening it at once both mark; a mark twice is one more recomputation, nothing else.
     */
    private void markDaysWithoutSeqDays() {
        if (!values(run("SELECT \"seqDays\" FROM " + derivedSettingsFrom, settings.database())).isEmpty()) {
            return;
        }
        List<List<Object>> first = values(run("SELECT first(\"seq\") FROM " + eventsFrom, settings.database()));
        List<List<Object>> last = values(run("SELECT last(\"seq\") FROM " + eventsFrom, settings.database()));
        if (!first.isEmpty() && !last.isEmpty()) {
            LocalDate from = LocalDate.ofInstant(Instant.parse(first.get(0).get(0).toString()), RulesEngine.ZONE);
            LocalDate to = LocalDate.ofInstant(Instant.parse(last.get(0).get(0).toString()), RulesEngine.ZONE);
            markDirty(eventCountsByDay(from, to).keySet());
        }
        writeToDerived(List.of(Point.measurement(DERIVED_SETTINGS).time(0, TimeUnit.NANOSECONDS)
                .addField("seqDays", "marked").build()), "noting the sequence-number records");
    }

    @Override
    public List<SeqRun> sequenceRuns(String room, Instant from, Instant to) {
        return SeqDayReads.sequenceRuns(seqDaySource, room, from, to);
    }

    @Override
    public List<StoredEvent> eventsReceivedAfterTheirDay(String room, Instant from, Instant to, java.time.Duration after) {
        return SeqDayReads.eventsReceivedAfterTheirDay(seqDaySource, room, from, to, after);
    }

    /** {@inheritDoc} The records and marks of {@value #ROOMS_PER_QUERY} rooms per query ({@link SeqDayReads}). */
    @Override
    public Map<String, List<SeqRun>> sequenceRuns(Collection<String> rooms, Instant from, Instant to) {
        return SeqDayReads.sequenceRuns(seqDaySource, rooms, from, to);
    }

    /** {@inheritDoc} The records and marks of {@value #ROOMS_PER_QUERY} rooms per query ({@link SeqDayReads}). */
    @Override
    public Map<String, List<StoredEvent>> eventsReceivedAfterTheirDay(Collection<String> rooms, Instant from, Instant to,
                                                                       java.time.Duration after) {
        return SeqDayReads.eventsReceivedAfterTheirDay(seqDaySource, rooms, from, to, after);
    }

    /** What {@link SeqDayReads} needs: the records, the marks (this store's and the durable ones), the raw reads. */
    private final SeqDayReads.Source seqDaySource = new SeqDayReads.Source() {
        @Override
        public List<SeqDay> seqDays(String room, LocalDate from, LocalDate to) {
            return InfluxEventStore.this.seqDays(room, from, to);
        }

        @Override
        public Map<String, List<SeqDay>> seqDays(Collection<String> rooms, LocalDate from, LocalDate to) {
            return InfluxEventStore.this.seqDays(rooms, from, to);
        }

        @Override
        public Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to) {
            return markedDays(List.of(room), from, to).get(room);
        }

        @Override
        public Map<String, Set<LocalDate>> markedDays(Collection<String> rooms, LocalDate from, LocalDate to) {
            return InfluxEventStore.this.markedDays(rooms, from, to);
        }

        @Override
        public List<SeqRun> rawRuns(String room, Instant from, Instant to) {
            return rawRuns(List.of(room), from, to).get(room);
        }

        @Override
        public Map<String, List<SeqRun>> rawRuns(Collection<String> rooms, Instant from, Instant to) {
            Map<String, List<StoredEvent>> heartbeats = heartbeats(rooms, from, to);
            Map<String, List<StoredEvent>> others = eventsBesideHeartbeats(rooms, from, to);
            Map<String, List<SeqRun>> out = new LinkedHashMap<>();
            heartbeats.forEach((room, h) -> out.put(room, SeqDayReads.runsOf(h, others.get(room))));
            return out;
        }

        @Override
        public List<StoredEvent> rawLate(String room, Instant from, Instant to, java.time.Duration after) {
            return rawLate(List.of(room), from, to, after).get(room);
        }

        @Override
        public Map<String, List<StoredEvent>> rawLate(Collection<String> rooms, Instant from, Instant to,
                                                      java.time.Duration after) {
            Map<String, List<StoredEvent>> heartbeats = heartbeats(rooms, from, to);
            Map<String, List<StoredEvent>> others = eventsBesideHeartbeats(rooms, from, to);
            Map<String, List<StoredEvent>> out = new LinkedHashMap<>();
            heartbeats.forEach((room, h) -> out.put(room, SeqDayReads.lateOf(h, others.get(room), after)));
            return out;
        }
    };

    /** This store's marks of the room and the durable ones (another replica's too) on the days {@code from..to}. */
    @Override
    public Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to) {
        return markedDays(List.of(room), from, to).get(room);
    }

    /**
     * Per room, this store's marks and the durable ones (another replica's too) on the days {@code from..to}: one query
     * per {@value #ROOMS_PER_QUERY} rooms.
     */
    @Override
    public Map<String, Set<LocalDate>> markedDays(Collection<String> rooms, LocalDate from, LocalDate to) {
        Map<String, Set<LocalDate>> out = new LinkedHashMap<>();
        for (String room : rooms) {
            out.putIfAbsent(room, new HashSet<>());
        }
        for (RoomDay d : dirty.keySet()) {
            Set<LocalDate> days = out.get(d.room());
            if (days != null && !d.day().isBefore(from) && !d.day().isAfter(to)) {
                days.add(d.day());
            }
        }
        roomDayRows(out.keySet(), "\"marked\", \"cleared\"", marksFrom, from, to, "\"room\"", (tags, v) -> {
            Long marked = v.longOrNull("marked");
            if (marked != null && !marked.equals(v.longOrNull("cleared"))) {
                out.get(tags.get("room")).add(localDay(v));
            }
        });
        return out;
    }

    @Override
    public void writeSeqDays(String room, List<SeqDay> days) {
        List<Point> points = new ArrayList<>(days.size());
        for (SeqDay d : days) {
            points.add(Point.measurement(SEQ_DAY).time(midnightNs(d.day()), TimeUnit.NANOSECONDS).tag("room", room)
                    .tag("device", d.device()).addField("runs", d.encodedRuns()).addField("events", d.events())
                    .addField("lastReceived", d.lastReceivedMs()).build());
        }
        writeToDerived(points, "writing the sequence numbers of room " + room);
    }

    @Override
    public List<SeqDay> seqDays(String room, LocalDate from, LocalDate to) {
        return seqDays(List.of(room), from, to).get(room);
    }

    /**
     * The records of each room (every room a key) for the days {@code from..to}, by device and day: one query per
     * {@value #ROOMS_PER_QUERY} rooms, grouped by room and device.
     */
    @Override
    public Map<String, List<SeqDay>> seqDays(Collection<String> rooms, LocalDate from, LocalDate to) {
        Map<String, List<SeqDay>> out = new LinkedHashMap<>();
        for (String room : rooms) {
            out.putIfAbsent(room, new ArrayList<>());
        }
        roomDayRows(out.keySet(), "\"runs\", \"events\", \"lastReceived\"", seqDaysFrom, from, to,
                "\"room\", \"device\"", (tags, v) -> {
                    LocalDate day = localDay(v);
                    try {
                        out.get(tags.get("room")).add(SeqDay.decode(tags.get("device"), day, v.string("runs"),
                                v.longOrNull("events"), v.longOrNull("lastReceived")));
                    } catch (RuntimeException e) {
                        throw new StoreException("stored sequence numbers of " + tags.get("room") + " on " + day
                                + " are unreadable: " + e.getMessage(), e);
                    }
                });
        for (List<SeqDay> days : out.values()) {
            days.sort(Comparator.comparing(SeqDay::device).thenComparing(SeqDay::day));
        }
        return out;
    }

    @Override
    public void writeAliveDays(String room, List<AliveDay> days) {
        List<Point> points = new ArrayList<>(days.size());
        for (AliveDay d : days) {
            points.add(Point.measurement(ALIVE_DAY).time(midnightNs(d.day()), TimeUnit.NANOSECONDS).tag("room", room)
                    .addField("heartbeats", (long) d.heartbeats()).addField("unsynced", (long) d.unsynced())
                    .addField("spans", d.encodedSpans()).build());
        }
        writeToDerived(points, "writing the alive spans of room " + room);
    }

    @Override
    public Map<LocalDate, AliveDay> aliveDays(String room, LocalDate from, LocalDate to) {
        return aliveDays(List.of(room), from, to).get(room);
    }

    /** {@inheritDoc} One query per {@value #ROOMS_PER_QUERY} rooms, grouped by room. */
    @Override
    public Map<String, Map<LocalDate, AliveDay>> aliveDays(Collection<String> rooms, LocalDate from, LocalDate to) {
        Map<String, Map<LocalDate, AliveDay>> out = new LinkedHashMap<>();
        for (String room : rooms) {
            out.putIfAbsent(room, new TreeMap<>());
        }
        roomDayRows(out.keySet(), "\"heartbeats\", \"unsynced\", \"spans\"", aliveFrom, from, to, "\"room\"",
                (tags, v) -> {
                    LocalDate day = localDay(v);
                    try {
                        out.get(tags.get("room")).put(day, AliveDay.decode(day, v.longOrNull("heartbeats").intValue(),
                                v.longOrNull("unsynced").intValue(), v.string("spans")));
                    } catch (RuntimeException e) {
                        throw new StoreException("stored alive spans of " + tags.get("room") + " on " + day
                                + " are unreadable: " + e.getMessage(), e);
                    }
                });
        return out;
    }

    @Override
    public List<RoomDay> summariesWithOtherGap(long gapSeconds) {
        QueryResult result = run("SELECT \"gapSeconds\" FROM " + summariesFrom + " WHERE \"gapSeconds\" != " + gapSeconds
                + " GROUP BY \"room\"", settings.database());
        List<RoomDay> out = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                for (List<Object> row : series.getValues()) {
                    long ns = new Row(series.getColumns(), row).timeNs();
                    out.add(new RoomDay(series.getTags().get("room"),
                            LocalDate.ofInstant(Instant.ofEpochMilli(Math.floorDiv(ns, 1_000_000L)), RulesEngine.ZONE)));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<String> derivedFingerprint() {
        List<List<Object>> rows = values(run("SELECT \"fingerprint\" FROM " + derivedSettingsFrom, settings.database()));
        return rows.isEmpty() ? Optional.empty() : Optional.of((String) rows.get(rows.size() - 1).get(1));
    }

    @Override
    public void writeDerivedFingerprint(String fingerprint) {
        writeToDerived(List.of(Point.measurement(DERIVED_SETTINGS).time(0, TimeUnit.NANOSECONDS)
                .addField("fingerprint", fingerprint).build()), "writing the derived settings");
    }

    @Override
    public void writeSummaries(String room, List<DaySummary> days) {
        List<Point> points = new ArrayList<>(days.size());
        for (DaySummary d : days) {
            CarriedState end = d.end();
            points.add(Point.measurement(DAY_SUMMARY)
                    .time(midnightNs(d.date()), TimeUnit.NANOSECONDS)
                    .tag("room", room)
                    .addField("openMs", d.openMillis())
                    .addField("unattendedMs", d.unattendedMillis())
                    .addField("checkins", (long) d.checkins())
                    .addField("alive", d.alive())
                    .addField("unsynced", (long) d.unsyncedEvents())
                    .addField("events", (long) d.events())
                    .addField("gapSeconds", d.unattendedGapSeconds())
                    .addField("endOpen", end.open())
                    .addField("endOpenSince", end.openSinceMs())
                    .addField("endOccupied", end.occupied())
                    .addField("endVacantSince", end.vacantSinceMs())
                    .addField("endLastAlive", end.lastSignOfLifeMs())
                    .build());
        }
        List<List<Point>> chunks = new ArrayList<>();
        for (int i = 0; i < points.size(); i += WRITE_CHUNK) {
            chunks.add(points.subList(i, Math.min(points.size(), i + WRITE_CHUNK)));
        }
        for (List<Point> chunk : chunks) {
            BatchPoints batch = BatchPoints.database(settings.database()).retentionPolicy(derivedPolicy)
                    .precision(TimeUnit.NANOSECONDS).points(chunk).build();
            try {
                influx.write(batch);
            } catch (InfluxDBException e) {
                throw new StoreException("InfluxDB " + settings.url() + ": writing summaries failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new StoreException("InfluxDB " + settings.url() + " unreachable: " + e.getMessage(), e);
            }
        }
    }

    private static long midnightNs(LocalDate day) {
        return day.atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli() * 1_000_000L;
    }

    private static DaySummary readSummary(Row r) {
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(Math.floorDiv(r.timeNs(), 1_000_000L)), RulesEngine.ZONE);
        try {
            CarriedState end = new CarriedState(Boolean.TRUE.equals(r.bool("endOpen")), r.longOrNull("endOpenSince"),
                    Boolean.TRUE.equals(r.bool("endOccupied")), r.longOrNull("endVacantSince"),
                    r.longOrNull("endLastAlive"));
            return new DaySummary(date, r.longOrNull("openMs"), r.longOrNull("unattendedMs"),
                    r.longOrNull("checkins").intValue(), Boolean.TRUE.equals(r.bool("alive")),
                    r.longOrNull("unsynced").intValue(), r.longOrNull("events").intValue(), r.longOrNull("gapSeconds"), end);
        } catch (RuntimeException e) {
            throw new StoreException("stored summary of " + r.string("room") + " on " + date + " is unreadable: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Up to {@value #ROOMS_BY_NAME} rooms (an audit's 示范 rooms, a school, a county) are asked by name,
     * {@value #ROOMS_PER_QUERY} a query; more (a city's roll-up asks for every room) in one query over the period,
     * filtered here. A room's summaries are a few hundred rows at most (a period is at most a school year), a city's
     * week a few thousand; InfluxDB's {@code max-row-limit} must stay 0 (its default, no limit).
     */
    @Override
    public Map<String, List<DaySummary>> summaries(Collection<String> rooms, LocalDate from, LocalDate to) {
        Set<String> wanted = Set.copyOf(rooms);
        String period = "SELECT * FROM " + summariesFrom + " WHERE time >= " + midnightNs(from) + " AND time < "
                + midnightNs(to.plusDays(1));
        List<String> queries = new ArrayList<>();
        if (wanted.isEmpty() || wanted.size() > ROOMS_BY_NAME) {
            queries.add(period + " GROUP BY \"room\" ORDER BY time ASC");
        } else {
            for (List<String> chunk : chunks(wanted)) {
                queries.add(period + " AND " + anyRoom(chunk) + " GROUP BY \"room\" ORDER BY time ASC");
            }
        }
        Map<String, List<DaySummary>> out = new TreeMap<>();
        for (String q : queries) {
            readSummaries(run(q, settings.database(), true), wanted, out);
        }
        return out;
    }

    private void readSummaries(QueryResult result, Set<String> wanted, Map<String, List<DaySummary>> out) {
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                String room = series.getTags().get("room");
                if (!wanted.isEmpty() && !wanted.contains(room)) {
                    continue;
                }
                List<DaySummary> days = out.computeIfAbsent(room, k -> new ArrayList<>());
                for (List<Object> row : series.getValues()) {
                    days.add(readSummary(new Row(series.getColumns(), row)));
                }
            }
        }
    }

    @Override
    public Optional<DaySummary> lastSummaryOnOrBefore(String room, LocalDate day) {
        return lastSummary(room, midnightNs(day.plusDays(1)));
    }

    @Override
    public Optional<LocalDate> lastSummaryDate(String room) {
        return lastSummary(room, Long.MAX_VALUE / 2).map(DaySummary::date);
    }

    private Optional<DaySummary> lastSummary(String room, long beforeNs) {
        QueryResult result = run("SELECT * FROM " + summariesFrom + " WHERE \"room\" = " + literal(room)
                + " AND time < " + beforeNs + " ORDER BY time DESC LIMIT 1", settings.database());
        List<String> columns = columns(result);
        List<List<Object>> rows = values(result);
        return rows.isEmpty() ? Optional.empty() : Optional.of(readSummary(new Row(columns, rows.get(0))));
    }

    @Override
    public long eventCount(String room, Instant from, Instant to) {
        TimeRange range = TimeRange.of(from, to);
        List<List<Object>> rows = values(run("SELECT count(\"seq\") FROM " + eventsFrom + " WHERE \"room\" = "
                + literal(room) + " AND time >= " + range.fromMs() * 1_000_000L + " AND time < "
                + range.toMs() * 1_000_000L, settings.database()));
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }

    @Override
    public boolean hasEventsFrom(String room, Instant from) {
        long ns = TimeRange.of(from, from).fromMs() * 1_000_000L;
        return !values(run("SELECT \"seq\" FROM " + eventsFrom + " WHERE \"room\" = " + literal(room) + " AND time >= "
                + ns + " LIMIT 1", settings.database())).isEmpty();
    }

    /** One query grouped by room and local day (Asia/Shanghai is UTC+8: a day starts at 16:00 UTC). */
    @Override
    public Map<RoomDay, Long> eventCountsByDay(LocalDate from, LocalDate to) {
        QueryResult result = run("SELECT count(\"seq\") FROM " + eventsFrom + " WHERE time >= " + midnightNs(from)
                + " AND time < " + midnightNs(to.plusDays(1)) + " GROUP BY \"room\", time(1d, 16h) fill(none)",
                settings.database());
        Map<RoomDay, Long> out = new HashMap<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                String room = series.getTags().get("room");
                for (List<Object> row : series.getValues()) {
                    Instant start = Instant.parse(row.get(0).toString());
                    long n = ((Number) row.get(1)).longValue();
                    if (n > 0) {
                        out.put(new RoomDay(room, LocalDate.ofInstant(start, RulesEngine.ZONE)), n);
                    }
                }
            }
        }
        return out;
    }

    /** The database, for the other classes of this adapter. */
    String database() {
        return settings.database();
    }

    /** {@code "db"."derived policy"."measurement"}. */
    String derivedFrom(String measurement) {
        return ident(settings.database()) + "." + ident(derivedPolicy) + "." + ident(measurement);
    }

    @Override
    public String type() {
        return "influxdb";
    }

    @Override
    public void checkHealth() {
        try {
            if (!influx.ping().isGood()) {
                throw new StoreException("InfluxDB " + settings.url() + " does not answer its ping");
            }
        } catch (InfluxDBException e) {
            throw new StoreException("InfluxDB " + settings.url() + " unreachable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        writers.shutdownNow();
        influx.close();
    }

    @Override
    public String toString() {
        return "InfluxEventStore[" + settings + "]";
    }

    private QueryResult run(String influxQl, String database) {
        return run(influxQl, database, false);
    }

    /** {@code post}: the statement goes in the request body (long duplicate checks), not the URL. */
    QueryResult run(String influxQl, String database, boolean post) {
        QueryResult result;
        try {
            result = influx.query(database == null ? new Query(influxQl) : new Query(influxQl, database, post));
        } catch (InfluxDBException e) {
            throw new StoreException("InfluxDB " + settings.url() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new StoreException("InfluxDB " + settings.url() + " unreachable: " + e.getMessage(), e);
        }
        if (result.hasError()) {
            throw new StoreException("InfluxDB " + settings.url() + " refused '" + influxQl + "': " + result.getError());
        }
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new StoreException("InfluxDB " + settings.url() + " refused '" + influxQl + "': " + r.getError());
            }
        }
        return result;
    }

    private static List<String> columns(QueryResult result) {
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() != null && !r.getSeries().isEmpty()) {
                return r.getSeries().get(0).getColumns();
            }
        }
        return List.of();
    }

    private static List<List<Object>> values(QueryResult result) {
        List<List<Object>> out = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() != null) {
                for (QueryResult.Series s : r.getSeries()) {
                    if (s.getValues() != null) {
                        out.addAll(s.getValues());
                    }
                }
            }
        }
        return out;
    }

    /** An InfluxQL identifier in double quotes. */
    static String ident(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** An InfluxQL string literal in single quotes. */
    static String literal(String value) {
        return '\'' + value.replace("\\", "\\\\").replace("'", "\\'") + '\'';
    }

    /** One row of a JSON query answer: numbers arrive as doubles, the time as an RFC 3339 string with nanoseconds. */
    private record Row(List<String> columns, List<Object> values) {
        Object get(String column) {
            int i = columns.indexOf(column);
            return i < 0 ? null : values.get(i);
        }

        String string(String column) {
            Object v = get(column);
            return v == null ? null : v.toString();
        }

        Long longOrNull(String column) {
            Object v = get(column);
            return v == null ? null : ((Number) v).longValue();
        }

        Boolean bool(String column) {
            Object v = get(column);
            return v == null ? null : (Boolean) v;
        }

        long timeNs() {
            Instant t = Instant.parse(string("time"));
            return Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L) + t.getNano();
        }
    }
}
