package cn.xinan.collector.audit;

import cn.xinan.collector.store.AliveDay;
import cn.xinan.collector.store.DerivedStore;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.SeqDay;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.DeviceEvent;
import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The term audit (docs/audit.md): the rules engine over the stored events of every room in scope, with
 * the same event window as {@link VerdictService} (one week before the Monday of {@code from}'s week to one
 * day after the Sunday of {@code to}'s week), so its figures are the verdicts of the REST API. The evidence bundle holds
 * exactly the events the figures were computed from, read a room and a few days at a time while it is written.
 */
public final class AuditService {
    private static final System.Logger LOG = System.getLogger(AuditService.class.getName());
    private final EventStore store;
    private final Registry registry;
    private final VerdictService verdicts;
    private final SchoolCalendars calendars;
    private final Clock clock;
    private final AuditSettings.ExceptionSettings exceptions;

    /** With the default exception settings ({@link AuditSettings.ExceptionSettings#defaults()}). */
    public AuditService(EventStore store, Registry registry, VerdictService verdicts, SchoolCalendars calendars,
                        Clock clock) {
        this(store, registry, verdicts, calendars, clock, AuditSettings.ExceptionSettings.defaults());
    }

    /** @param exceptions the opening hours and thresholds of the exceptions found in the events */
    public AuditService(EventStore store, Registry registry, VerdictService verdicts, SchoolCalendars calendars,
                        Clock clock, AuditSettings.ExceptionSettings exceptions) {
        this.exceptions = Objects.requireNonNull(exceptions, "exception settings are missing");
        this.store = Objects.requireNonNull(store, "store is missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts are missing");
        this.calendars = Objects.requireNonNull(calendars, "calendars are missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    /**
     * Rooms whose reads {@link #audit} asks the store for together ({@link DerivedStore}'s methods over several rooms): a
     * few queries per this many rooms on InfluxDB instead of a few per room, with the answers (runs, late events, alive
     * spans, times of the other events) of at most this many rooms held at once.
     */
    static final int ROOMS_PER_READ = 50;

    /**
     * The audit of {@code scope} over {@code [from, to]}, from derived results (docs/audit.md, "Where the figures come
     * from"): the verdicts from the day summaries ({@link VerdictService#rooms}), the devices offline from the alive
     * spans and the events other than heartbeats, the events behind the figures as the store's runs of sequence
     * numbers, and the late events as the store selects them, each read for {@link #ROOMS_PER_READ} rooms at a time.
     * Only a room with late events has its raw events read (the verdicts as they stood without them are the engine's
     * over the others). Equal to {@link #auditFromEveryEvent}.
     */
    public AuditReport audit(AuditScope scope, LocalDate from, LocalDate to) {
        checkPeriod(from, to);
        List<RoomRecord> rooms = scope.select(registry);
        RulesEngine engine = new RulesEngine(verdicts.settings());
        LocalDate firstDay = WeekResult.mondayOf(from).minusDays(7);
        LocalDate afterLastDay = WeekResult.mondayOf(to).plusDays(8);
        Instant start = firstDay.atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant end = afterLastDay.atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant now = clock.instant();
        List<RoomReport> reports = rooms.isEmpty() ? List.of()
                : verdicts.rooms(rooms.stream().map(RoomRecord::roomId).toList(), from, to);
        boolean everyEvent = exceptions.offlineAfter().toMillis() <= AliveDay.SPAN_GAP_MS;
        List<AuditRoom> audited = new ArrayList<>(rooms.size());
        for (int first = 0; first < rooms.size(); first += ROOMS_PER_READ) {
            List<RoomRecord> slice = rooms.subList(first, Math.min(rooms.size(), first + ROOMS_PER_READ));
            List<String> ids = slice.stream().map(RoomRecord::roomId).toList();
            Map<String, List<DerivedStore.SeqRun>> runsOf = store.sequenceRuns(ids, start, end);
            Map<String, List<StoredEvent>> lateOf = store.eventsReceivedAfterTheirDay(ids, start, end,
                    exceptions.lateAfter());
            Map<String, Boolean> late = new HashMap<>();
            List<String> fromSpans = new ArrayList<>();
            for (String room : ids) {
                boolean any = false;
                for (StoredEvent e : lateOf.get(room)) {
                    any |= EventExceptions.isLate(e.event(), e.receivedAt(), exceptions.lateAfter(), from, to);
                }
                late.put(room, any);
                if (!any && !everyEvent) {
                    fromSpans.add(room);
                }
            }
            Map<String, EventExceptions.Alive> alive = alive(fromSpans, firstDay, afterLastDay);
            for (int i = 0; i < slice.size(); i++) {
                RoomRecord room = slice.get(i);
                RoomReport report = reports.get(first + i);
                Map<String, List<long[]>> runs = new TreeMap<>();
                for (DerivedStore.SeqRun run : runsOf.get(room.roomId())) {
                    runs.computeIfAbsent(run.device(), d -> new ArrayList<>()).add(new long[]{run.first(), run.last()});
                }
                List<DeviceEvidence> evidence = new ArrayList<>();
                runs.forEach((device, r) -> evidence.add(DeviceEvidence.ofRuns(device, r)));
                List<AuditException> found;
                if (late.get(room.roomId()) || everyEvent) {
                    // the verdicts without the late events (or silences shorter than a span's gaps) need every event
                    List<DeviceEvent> events = new ArrayList<>();
                    Map<String, Instant> receivedAt = new java.util.HashMap<>();
                    for (StoredEvent s : store.eventsForRoom(room.roomId(), start, end)) {
                        events.add(s.event());
                        receivedAt.put(s.eventId(), s.receivedAt());
                    }
                    found = EventExceptions.find(room.school(), room.tier(), report, events, receivedAt,
                            calendars.forSchool(room.school()), engine, exceptions, from, to, now);
                } else {
                    found = EventExceptions.findOffline(room.school(), report, alive.get(room.roomId()), exceptions, now);
                }
                audited.add(new AuditRoom(room, report, evidence, found));
            }
        }
        return new AuditReport(from, to, scope, verdicts.settings(), now, audited, exceptions);
    }

    /**
     * The signs of life of each of {@code rooms} on the days {@code [first, end)}: its alive spans (a day without stored
     * spans from its raw heartbeats) and the times of its other events recorded with a synchronised clock
     * ({@link DerivedStore#syncedTimesBesideHeartbeats}). Heartbeats within a span
     * are at most {@link AliveDay#SPAN_GAP_MS} apart, so a span holds no silence the audit reports. The spans and the
     * other events of all the rooms are read together, and the heartbeats of the rooms missing the same days (the days
     * before a room's first event and after its last have no spans) together.
     */
    private Map<String, EventExceptions.Alive> alive(List<String> rooms, LocalDate first, LocalDate end) {
        if (rooms.isEmpty()) {
            return Map.of();
        }
        Map<String, List<long[]>> intervals = new HashMap<>();
        for (String room : rooms) {
            intervals.put(room, new ArrayList<>());
        }
        Map<String, Map<LocalDate, AliveDay>> stored = store.aliveDays(rooms, first, end.minusDays(1));
        Map<List<LocalDate>, List<String>> missing = new java.util.LinkedHashMap<>();
        for (String room : rooms) {
            Map<LocalDate, AliveDay> days = stored.get(room);
            LocalDate missingFrom = null;
            for (LocalDate d = first; !d.isAfter(end); d = d.plusDays(1)) {
                boolean none = d.isBefore(end) && !days.containsKey(d);
                if (none && missingFrom == null) {
                    missingFrom = d;
                } else if (!none && missingFrom != null) {
                    missing.computeIfAbsent(List.of(missingFrom, d), k -> new ArrayList<>()).add(room);
                    missingFrom = null;
                }
            }
        }
        missing.forEach((days, together) -> store.heartbeats(together, days.get(0).atStartOfDay(RulesEngine.ZONE)
                .toInstant(), days.get(1).atStartOfDay(RulesEngine.ZONE).toInstant()).forEach((room, heartbeats) -> {
                    for (StoredEvent h : heartbeats) {
                        if (h.event().clockSynced()) {
                            long at = h.event().at().toEpochMilli();
                            intervals.get(room).add(new long[]{at, at});
                        }
                    }
                }));
        stored.forEach((room, days) -> {
            for (AliveDay day : days.values()) {
                for (AliveDay.Span span : day.spans()) {
                    intervals.get(room).add(new long[]{span.firstMs(), span.lastMs()});
                }
            }
        });
        store.syncedTimesBesideHeartbeats(rooms, first.atStartOfDay(RulesEngine.ZONE).toInstant(),
                end.atStartOfDay(RulesEngine.ZONE).toInstant()).forEach((room, times) -> {
                    for (long at : times) {
                        intervals.get(room).add(new long[]{at, at});
                    }
                });
        Map<String, EventExceptions.Alive> out = new HashMap<>();
        intervals.forEach((room, list) -> out.put(room, EventExceptions.Alive.intervals(list)));
        return out;
    }

    /** A stretch without any sign of life from a room's devices ({@link #outages}). */
    public record Outage(Instant from, Instant to) {
        public Outage {
            Objects.requireNonNull(from, "from is missing");
            Objects.requireNonNull(to, "to is missing");
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("outage ends at " + to + ", not after its start " + from);
            }
        }

        public long seconds() {
            return java.time.Duration.between(from, to).toSeconds();
        }
    }

    /**
     * A room's outages over the days {@code [from, to]} up to now, at any hour: every silence of its devices of the
     * exception settings' {@code offlineAfter} or more (docs/audit.md, "Device offline", without the cut to the opening
     * hours), from the same signs of life as the audit (the alive spans and the other events; raw events when
     * {@code offlineAfter} is within a span's gaps). A silence running into the period from before it starts at the
     * period's start; one still running at the end ends at the period's end or now.
     */
    public List<Outage> outages(String room, LocalDate from, LocalDate to) {
        checkPeriod(from, to);
        long start = from.atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli();
        long end = Math.min(to.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli(),
                clock.instant().toEpochMilli());
        if (end <= start) {
            return List.of();
        }
        EventExceptions.Alive alive;
        if (exceptions.offlineAfter().toMillis() <= AliveDay.SPAN_GAP_MS) {
            List<DeviceEvent> events = new ArrayList<>();
            for (StoredEvent s : store.eventsForRoom(room, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end))) {
                events.add(s.event());
            }
            alive = EventExceptions.Alive.points(events);
        } else {
            alive = alive(List.of(room), from, to.plusDays(1)).get(room);
        }
        List<Outage> out = new ArrayList<>();
        for (long[] s : alive.silences(start, end, exceptions.offlineAfter().toMillis())) {
            out.add(new Outage(Instant.ofEpochMilli(s[0]), Instant.ofEpochMilli(s[1])));
        }
        return out;
    }

    /**
     * The audit with everything behind it, for {@link EvidenceBundle} to stream (docs/audit.md, "The evidence bundle"):
     * the report from derived results ({@link #audit}), the device keys and the calendars used, and the room's stored
     * signed events read on demand, {@link #EVIDENCE_CHUNK_DAYS} days of one room at a time, so nothing here holds the
     * events of the scope.
     */
    public Evidence evidence(AuditScope scope, LocalDate from, LocalDate to) {
        AuditReport report = audit(scope, from, to);
        LocalDate firstDay = WeekResult.mondayOf(from).minusDays(7);
        LocalDate afterLastDay = WeekResult.mondayOf(to).plusDays(8);
        LocalDate gridFirst = WeekResult.mondayOf(from);
        LocalDate gridEnd = WeekResult.mondayOf(to).plusDays(7);
        Map<String, ResolvedCalendar> resolved = new TreeMap<>();
        Map<String, DeviceHistory> keys = new TreeMap<>();
        for (AuditRoom audited : report.rooms()) {
            RoomRecord room = audited.room();
            resolved.computeIfAbsent(room.school(), school ->
                    ResolvedCalendar.of(school, calendars.forSchool(school), gridFirst, gridEnd));
            for (DeviceRecord d : registry.devicesOfRoom(room.roomId())) {
                registry.history(d.deviceId()).ifPresent(h -> keys.put(h.deviceId(), h));
            }
            for (DeviceEvidence d : audited.evidence()) {
                registry.history(d.device()).ifPresent(h -> keys.put(h.deviceId(), h));
            }
        }
        return new Evidence(report, List.copyOf(resolved.values()), List.copyOf(keys.values()), schoolNames(),
                (room, sink) -> eventsBehind(room, firstDay, afterLastDay, sink),
                new RoomDayIndex(report.rooms(), firstDay, afterLastDay.minusDays(1))::segments);
    }

    /**
     * The marks and the sequence-number records of an audit's rooms on the days {@code first..last} of its event window,
     * read for {@value #ROOMS_PER_READ} rooms at a time in the report's order (the order {@link EvidenceBundle} asks for
     * them in), so a scope of 200 rooms costs a few reads of the store rather than two per room; each room's are
     * dropped once its segments are handed on.
     */
    private final class RoomDayIndex {
        private final List<String> order = new ArrayList<>();
        private final Map<String, Integer> position = new HashMap<>();
        private final LocalDate first;
        private final LocalDate last;
        private final Map<String, java.util.Set<LocalDate>> marks = new HashMap<>();
        private final Map<String, List<SeqDay>> records = new HashMap<>();

        RoomDayIndex(List<AuditRoom> rooms, LocalDate first, LocalDate last) {
            for (AuditRoom r : rooms) {
                position.putIfAbsent(r.room().roomId(), order.size());
                order.add(r.room().roomId());
            }
            this.first = first;
            this.last = last;
        }

        void segments(AuditRoom room, java.util.Optional<java.nio.file.Path> dir, SegmentUse use,
                      Consumer<EvidenceSegment> sink) {
            String roomId = room.room().roomId();
            if (!marks.containsKey(roomId)) {
                Integer at = position.get(roomId);
                List<String> next = at == null ? List.of(roomId)
                        : order.subList(at, Math.min(order.size(), at + ROOMS_PER_READ));
                marks.putAll(store.markedDays(next, first, last)); // the marks before the records: see segmentsBehind
                records.putAll(store.seqDays(next, first, last));
            }
            segmentsBehind(room, marks.remove(roomId), records.remove(roomId), first, last.plusDays(1), dir, use, sink);
        }
    }

    /**
     * Hands {@code sink} the {@link EvidenceSegment} of each local day of the audit's event window {@code [first, end)}
     * on which {@code room} has events its evidence lists, day by day (docs/audit.md, "Evidence segments"). A day's
     * segment is read from {@code dir} when the day is not marked (its {@link SeqDay}s are those of its stored events),
     * the evidence lists every one of its events, and the segment's key equals the day's records; otherwise it is built
     * from the day's stored events that the evidence lists, and written to {@code dir} when those are all of the day's
     * events (a segment of only some would never be used). A corrupt segment file is rebuilt, with a warning. A day
     * without records that is not marked has no events and is not read.
     *
     * <p>{@code marked} and {@code recorded} are the room's marks and records on those days ({@link RoomDayIndex}); the
     * marks were read before the records: an event behind the report was stored before the audit, so its day was then
     * either marked (and is read from the raw events here) or already derived (and its record holds it).
     */
    private void segmentsBehind(AuditRoom room, java.util.Set<LocalDate> marked, List<SeqDay> recorded, LocalDate first,
                                LocalDate end, java.util.Optional<java.nio.file.Path> dir, SegmentUse use,
                                Consumer<EvidenceSegment> sink) {
        String roomId = room.room().roomId();
        Listed listed = new Listed(room);
        Map<LocalDate, List<SeqDay>> records = new TreeMap<>();
        for (SeqDay d : recorded) {
            records.computeIfAbsent(d.day(), k -> new ArrayList<>()).add(d);
        }
        for (LocalDate day = first; day.isBefore(end); day = day.plusDays(1)) {
            List<SeqDay> key = records.getOrDefault(day, List.of()).stream()
                    .sorted(java.util.Comparator.comparing(SeqDay::device)).toList();
            boolean derived = !marked.contains(day);
            if (derived && key.isEmpty()) {
                continue;
            }
            if (derived && dir.isPresent() && listed.containsAll(key)) {
                try {
                    java.util.Optional<EvidenceSegment> stored = EvidenceSegment.read(dir.get(), roomId, day);
                    if (stored.isPresent() && stored.get().key().equals(key)) {
                        use.copied++;
                        sink.accept(stored.get());
                        continue;
                    }
                } catch (EvidenceSegment.CorruptSegmentException e) {
                    use.corrupt++;
                    LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; rebuilt from the stored events");
                }
            }
            List<StoredEvent> all = store.eventsForRoom(roomId, day.atStartOfDay(RulesEngine.ZONE).toInstant(),
                    day.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant());
            List<StoredEvent> behind = all.stream().filter(listed::contains).toList();
            if (behind.isEmpty()) {
                continue;
            }
            EvidenceSegment built = EvidenceSegment.of(roomId, day, behind);
            use.built++;
            if (dir.isPresent() && behind.size() == all.size()) {
                built.write(dir.get());
            }
            sink.accept(built);
        }
    }

    /** The events a room's evidence lists (per device its runs of sequence numbers): what its bundle holds. */
    private static final class Listed {
        private final Map<String, DeviceEvidence> byDevice = new HashMap<>();

        Listed(AuditRoom room) {
            for (DeviceEvidence d : room.evidence()) {
                byDevice.put(d.device(), d);
            }
        }

        boolean contains(StoredEvent s) {
            DeviceEvidence d = byDevice.get(s.event().deviceId());
            return d != null && d.contains(s.event().seq());
        }

        /** Whether every sequence number of these records is listed. */
        boolean containsAll(List<SeqDay> records) {
            for (SeqDay d : records) {
                DeviceEvidence evidence = byDevice.get(d.device());
                if (evidence == null) {
                    return false;
                }
                for (SeqDay.Run run : d.runs()) {
                    if (!covers(evidence, run.first(), run.last())) {
                        return false;
                    }
                }
            }
            return true;
        }

        private static boolean covers(DeviceEvidence evidence, long first, long last) {
            for (long[] run : evidence.runs()) {
                if (run[0] <= first && last <= run[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** How the segments of a bundle came about: copied from the evidence directory, built from the store, found corrupt. */
    public static final class SegmentUse {
        int copied;
        int built;
        int corrupt;

        public int copied() {
            return copied;
        }

        public int built() {
            return built;
        }

        public int corrupt() {
            return corrupt;
        }

        @Override
        public String toString() {
            return copied + " segments copied, " + built + " built, " + corrupt + " corrupt";
        }
    }

    /** How many days of a room's events {@link #evidence}'s reader reads from the store at once. */
    public static final int EVIDENCE_CHUNK_DAYS = 7;

    /**
     * Hands {@code sink} the stored events of {@code room} in the audit's event window {@code [first, end)} that its
     * evidence lists (an event stored after the audit's figures were computed is not behind them), in the store's
     * order, reading {@link #EVIDENCE_CHUNK_DAYS} days at a time.
     */
    private void eventsBehind(AuditRoom room, LocalDate first, LocalDate end, Consumer<StoredEvent> sink) {
        Listed listed = new Listed(room);
        for (LocalDate chunk = first; chunk.isBefore(end); chunk = chunk.plusDays(EVIDENCE_CHUNK_DAYS)) {
            LocalDate chunkEnd = chunk.plusDays(EVIDENCE_CHUNK_DAYS).isBefore(end) ? chunk.plusDays(EVIDENCE_CHUNK_DAYS) : end;
            for (StoredEvent s : store.eventsForRoom(room.room().roomId(), chunk.atStartOfDay(RulesEngine.ZONE).toInstant(),
                    chunkEnd.atStartOfDay(RulesEngine.ZONE).toInstant())) {
                if (listed.contains(s)) {
                    sink.accept(s);
                }
            }
        }
    }

    /**
     * The audit computed by the rules engine from every stored event, one room at a time (each room's events are
     * forgotten before the next room's are read): what {@link #audit} from derived results must equal.
     */
    AuditReport auditFromEveryEvent(AuditScope scope, LocalDate from, LocalDate to) {
        checkPeriod(from, to);
        List<RoomRecord> rooms = scope.select(registry);
        RulesEngine engine = new RulesEngine(verdicts.settings());
        Instant start = WeekResult.mondayOf(from).minusDays(7).atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant end = WeekResult.mondayOf(to).plusDays(8).atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant now = clock.instant();
        List<AuditRoom> audited = new ArrayList<>(rooms.size());
        for (RoomRecord room : rooms) {
            List<StoredEvent> stored = store.eventsForRoom(room.roomId(), start, end);
            List<DeviceEvent> deviceEvents = new ArrayList<>(stored.size());
            Map<String, Instant> receivedAt = new HashMap<>();
            Map<String, List<Long>> seqs = new TreeMap<>();
            for (StoredEvent s : stored) {
                deviceEvents.add(s.event());
                receivedAt.put(s.eventId(), s.receivedAt());
                seqs.computeIfAbsent(s.event().deviceId(), d -> new ArrayList<>()).add(s.event().seq());
            }
            SchoolCalendar calendar = calendars.forSchool(room.school());
            RoomReport report = engine.evaluate(room.roomId(), room.tier(), deviceEvents, calendar, from, to);
            List<DeviceEvidence> evidence = new ArrayList<>();
            for (Map.Entry<String, List<Long>> e : seqs.entrySet()) {
                evidence.add(DeviceEvidence.of(e.getKey(), e.getValue().stream().mapToLong(Long::longValue).toArray()));
            }
            List<AuditException> found = EventExceptions.find(room.school(), room.tier(), report, deviceEvents, receivedAt,
                    calendar, engine, exceptions, from, to, now);
            audited.add(new AuditRoom(room, report, evidence, found));
        }
        return new AuditReport(from, to, scope, verdicts.settings(), now, audited, exceptions);
    }

    /** School id → name, from the registry. */
    public Map<String, String> schoolNames() {
        return AuditPdf.names(registry.schools());
    }

    private static void checkPeriod(LocalDate from, LocalDate to) {
        Objects.requireNonNull(from, "from is missing");
        Objects.requireNonNull(to, "to is missing");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (ChronoUnit.DAYS.between(from, to) >= VerdictService.MAX_PERIOD_DAYS) {
            throw new IllegalArgumentException("the period from " + from + " to " + to + " is longer than "
                    + VerdictService.MAX_PERIOD_DAYS + " days");
        }
    }

    /**
     * An audit with what it was computed from.
     *
     * @param report      the audit
     * @param calendars   the school calendars used, resolved day by day over the reported weeks
     * @param keys        the key history (every key with its period) of the rooms' devices and of every device in the
     *                    audit's evidence
     * @param schoolNames school id → name, for the printed 台帐
     * @param events      the stored signed events each room's figures were computed from, read when asked for
     * @param days        the same events as one {@link EvidenceSegment} per room and local day, for the bundle of format 3
     */
    public record Evidence(AuditReport report, List<ResolvedCalendar> calendars, List<DeviceHistory> keys,
                           Map<String, String> schoolNames, RoomEvents events, RoomDays days) {
        public Evidence {
            Objects.requireNonNull(report, "report is missing");
            calendars = List.copyOf(calendars);
            keys = List.copyOf(keys);
            schoolNames = Map.copyOf(schoolNames);
            Objects.requireNonNull(events, "events are missing");
            Objects.requireNonNull(days, "days are missing");
        }
    }

    /** The events behind an audited room's figures, one {@link EvidenceSegment} per local day, handed over in day order. */
    @FunctionalInterface
    public interface RoomDays {
        /**
         * Hands {@code sink} the segment of every day of the audit's window with events behind {@code room}'s figures.
         *
         * @param dir the evidence directory to copy segments from and write them to, or empty for none
         * @param use counts the segments copied, built and found corrupt
         */
        void forEach(AuditRoom room, java.util.Optional<java.nio.file.Path> dir, SegmentUse use, Consumer<EvidenceSegment> sink);
    }

    /** The events behind an audited room's figures, handed over one at a time and not kept. */
    @FunctionalInterface
    public interface RoomEvents {
        /** Hands {@code sink} every stored event behind {@code room}'s figures, each once, ordered as the store orders them. */
        void forEach(AuditRoom room, Consumer<StoredEvent> sink);
    }

    /**
     * A school's calendar as it was applied: every school day in {@code [first, end)} (national schedule,
     * bureau and school layers already resolved, docs/calendar.md).
     */
    public record ResolvedCalendar(String school, LocalDate first, LocalDate end, TreeSet<LocalDate> schoolDays)
            implements SchoolCalendar {
        public ResolvedCalendar {
            Objects.requireNonNull(school, "school is missing");
            Objects.requireNonNull(first, "first is missing");
            Objects.requireNonNull(end, "end is missing");
            if (!end.isAfter(first)) {
                throw new IllegalArgumentException("calendar of " + school + " ends (" + end + ") before it starts (" + first + ")");
            }
            schoolDays = new TreeSet<>(schoolDays);
            if (!schoolDays.isEmpty() && (schoolDays.first().isBefore(first) || !schoolDays.last().isBefore(end))) {
                throw new IllegalArgumentException("calendar of " + school + " lists school days outside "
                        + first + " to " + end.minusDays(1));
            }
        }

        static ResolvedCalendar of(String school, SchoolCalendar calendar, LocalDate first, LocalDate end) {
            TreeSet<LocalDate> days = new TreeSet<>();
            for (LocalDate d = first; d.isBefore(end); d = d.plusDays(1)) {
                if (calendar.isSchoolDay(d)) {
                    days.add(d);
                }
            }
            return new ResolvedCalendar(school, first, end, days);
        }

        /** @throws IllegalArgumentException for a day this calendar does not cover */
        @Override
        public boolean isSchoolDay(LocalDate date) {
            if (date.isBefore(first) || !date.isBefore(end)) {
                throw new IllegalArgumentException("calendar of " + school + " covers " + first + " to "
                        + end.minusDays(1) + ", not " + date);
            }
            return schoolDays.contains(date);
        }
    }
}
