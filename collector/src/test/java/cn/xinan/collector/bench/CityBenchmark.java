package cn.xinan.collector.bench;

import cn.xinan.collector.api.Api;
import cn.xinan.collector.api.ApiContext;
import cn.xinan.collector.figures.FiguresSettings;
import cn.xinan.collector.figures.FiguresWriter;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.CarriedState;
import cn.xinan.rules.ComplianceRate;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.testing.InfluxServer;
import cn.xinan.wire.SignedEvent;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * City benchmark (docs/benchmarks.md, "City"): a city's rooms with their first {@code rawWeeks} weeks of realistic raw
 * events (heartbeat every 60 s day and night, two open/close sessions with presence changes and check-ins on
 * weekdays), loaded through the store's own append and derived by {@link DerivedResults} as a collector does, room by
 * room; the rest of a 20-week term as day summaries computed by the engine ({@link RulesEngine#summarize}, the deriver's
 * function) from generated events and written with the store's own {@code writeSummaries}, except for one room whose
 * whole term is loaded raw and derived.
 * Then min / median of several runs of: a city's week through the HTTP API, one room's term through the API, a city's
 * term roll-up (compliance over every room; and through the web UI's {@code /rollup}), one room's page for the term
 * ({@code /rooms/{room}/detail}), one figures pass (InfluxDB), recomputing one room's whole term from its alive spans
 * and from its raw heartbeats ({@link DerivedResults#recompute}), and the engine alone on the city's week of events in
 * memory.
 *
 * <p>Usage: {@code CityBenchmark [rooms=1000] [termWeeks=20] [runs=5] [rawRooms=rooms] [rawWeeks=1]} (rooms past
 * {@code rawRooms} get their first weeks as engine-made summaries too; {@link CityData.City}); system property
 * {@code xinan.bench.only} = {@code sqlite,influxdb} (default both); system property {@code xinan.bench.data}: a
 * directory where the stores are kept ({@code sqlite/}, {@code influxdb/}, each with its {@link CityData} marker), loaded
 * by the first run, resumed room by room after an interruption, and reused without loading by later runs of the same
 * city (default: temporary directories, removed afterwards).
 */
public final class CityBenchmark {
    static final LocalDate TERM_START = LocalDate.of(2025, 3, 3); // a Monday
    static final byte[] SIGNATURE = new byte[64];
    static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled());
    static final RuleSettings RULES = RuleSettings.defaults();
    /** One room's generated week: a heartbeat a minute, and ten events on each of five weekdays. */
    static final long EVENTS_A_WEEK = 7 * 1_440 + 5 * 10;

    private final CityData.City city;
    private final int rooms;
    private final int rawRooms;
    private final int termWeeks;
    private final int runs;
    private final Registry registry;
    private final LocalDate termEnd;

    CityBenchmark(CityData.City city) {
        this.city = city;
        this.rooms = city.rooms();
        this.rawRooms = city.rawRooms();
        this.termWeeks = city.termWeeks();
        this.runs = city.runs();
        List<RoomRecord> records = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            // two rooms a school, each school in one of seven counties (the registry holds a school to its county)
            records.add(new RoomRecord("county-" + ((r / 2) % 7), "school-" + (r / 2), room(r),
                    r % 3 == 0 ? Tier.DEMONSTRATION : Tier.QUALIFIED, "room " + r));
        }
        this.registry = new Registry(records, List.of());
        this.termEnd = TERM_START.plusWeeks(termWeeks).minusDays(1);
    }

    static String room(int r) {
        return String.format(Locale.ROOT, "room-%04d", r);
    }

    /** One room's events of one local day: 1,440 heartbeats, and on weekdays two sessions. */
    static void day(int r, LocalDate date, List<DeviceEvent> out) {
        String device = "dev-" + r;
        long seqBase = date.toEpochDay() * 2_000L;
        long midnight = date.atStartOfDay(RulesEngine.ZONE).toInstant().getEpochSecond();
        int[] seq = {0};
        record At(int second, EventBody body) {
        }
        List<At> extra = new ArrayList<>();
        boolean weekday = date.getDayOfWeek().getValue() <= 5;
        if (weekday) {
            int shift = (r % 30) * 60;
            extra.add(new At(8 * 3600 + shift + 5, new EventBody.StaffOpen("T01")));
            extra.add(new At(8 * 3600 + shift + 300, new EventBody.Presence(true)));
            extra.add(new At(9 * 3600 + shift + 5, new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR)));
            extra.add(new At(10 * 3600 + shift + 5, new EventBody.Presence(false)));
            extra.add(new At(10 * 3600 + 1800 + shift + 5, new EventBody.StaffClose("T01")));
            extra.add(new At(14 * 3600 + shift + 5, new EventBody.StaffOpen("T02")));
            extra.add(new At(14 * 3600 + 600 + shift + 5, new EventBody.Presence(true)));
            extra.add(new At(15 * 3600 + shift + 5, new EventBody.CheckIn(Purpose.INDIVIDUAL, Stage.SENIOR)));
            extra.add(new At(15 * 3600 + 1200 + shift + 5, new EventBody.Presence(false)));
            extra.add(new At(16 * 3600 + 600 + shift + 5, new EventBody.StaffClose("T02")));
        }
        int e = 0;
        for (int minute = 0; minute < 1440; minute++) {
            int second = minute * 60 + 30;
            while (e < extra.size() && extra.get(e).second() < second) {
                add(out, device, seqBase, seq, midnight + extra.get(e).second(), extra.get(e).body());
                e++;
            }
            add(out, device, seqBase, seq, midnight + second, new EventBody.Heartbeat());
        }
    }

    private static void add(List<DeviceEvent> out, String device, long seqBase, int[] seq, long epochSecond,
                            EventBody body) {
        long s = seqBase + ++seq[0];
        out.add(new DeviceEvent(device + "-" + s, device, s, Instant.ofEpochSecond(epochSecond), true, body));
    }

    static List<DeviceEvent> week(int r, LocalDate monday) {
        List<DeviceEvent> out = new ArrayList<>(10_200);
        for (int d = 0; d < 7; d++) {
            day(r, monday.plusDays(d), out);
        }
        return out;
    }

    /** The events as stored, each received 30 s after it was recorded (as a device online delivers them). */
    static List<StoredEvent> stored(String room, List<DeviceEvent> events) {
        List<StoredEvent> out = new ArrayList<>(events.size());
        for (DeviceEvent e : events) {
            out.add(new StoredEvent(new SignedEvent(e, SIGNATURE), room, e.at().plusSeconds(30)));
        }
        return out;
    }

    void run(String name, EventStore store, CityData data, Supplier<Long> diskBytes, Supplier<String> memory)
            throws Exception {
        System.out.printf(Locale.ROOT, "%n== %s: %d rooms (%d with %d raw weeks, room-0000 its whole term), term %s..%s"
                + " (%d weeks), data in %s%n", name, rooms, rawRooms, city.rawWeeks(), TERM_START, termEnd, termWeeks,
                data.dir());
        DerivedResults derived = new DerivedResults(store, RULES);
        if (data.complete()) {
            System.out.printf(Locale.ROOT, "reusing the city loaded before (%s, %s): only the queries run%n",
                    city.describe(), data.dir().resolve(CityData.MARKER));
        } else {
            load(store, derived, data);
            // a resumed load appended its interrupted room again: each event is still stored once
            long expected = city.rawRoomWeeks() * EVENTS_A_WEEK;
            long stored = store.eventCount();
            System.out.printf(Locale.ROOT, "the store holds %,d events; the city's raw room-weeks have %,d%n", stored,
                    expected);
            if (stored != expected) {
                throw new IllegalStateException("the store holds " + stored + " events, the city's raw weeks " + expected);
            }
        }
        System.out.printf(Locale.ROOT, "disk: %,d bytes; %s%n", diskBytes.get(), memory.get());
        queries(store, derived);
    }

    /**
     * Loads the city into the store, resuming after the rooms {@code data} records as loaded: room by room, its raw weeks
     * through the store's {@code append} (one week, 10,130 events, an append), then derived by {@code DerivedResults}
     * (alive spans rebuilt from the raw heartbeats, then the summaries), then recorded; then every other room-week's
     * day summary, engine-made; then the load is recorded as complete.
     */
    void load(EventStore store, DerivedResults derived, CityData data) {
        int first = data.loadedRooms();
        if (first > 0) {
            System.out.printf(Locale.ROOT, "resuming an interrupted load: rooms 0..%d of %d were loaded and derived;"
                    + " room %s is appended again (its events stored before are kept once)%n", first - 1, rawRooms,
                    room(first));
        }
        long loadNs = 0;
        long deriveNs = 0;
        long events = 0;
        long roomWeeks = 0;
        for (int r = first; r < rawRooms; r++) {
            long t0 = System.nanoTime();
            for (int w = 0; w < city.rawWeeksOf(r); w++) {
                List<StoredEvent> batch = stored(room(r), week(r, TERM_START.plusWeeks(w)));
                store.append(batch);
                events += batch.size();
            }
            long t1 = System.nanoTime();
            derived.refresh(List.of(room(r)));
            long t2 = System.nanoTime();
            data.roomLoaded(r);
            loadNs += t1 - t0;
            deriveNs += t2 - t1;
            roomWeeks += city.rawWeeksOf(r);
            if ((r + 1) % 50 == 0 || r + 1 == rawRooms) {
                System.out.printf(Locale.ROOT, "  %d of %d rooms loaded and derived (%,.0f events/s, %.3f s a room-week"
                        + " to derive so far); load average %s%n", r + 1, rawRooms, events / (loadNs / 1e9),
                        deriveNs / 1e9 / roomWeeks, loadAverage());
            }
        }
        if (events > 0) {
            System.out.printf(Locale.ROOT, "load raw events: %,d events (%,d room-weeks) in %.1f s (%,.0f events/s)%n",
                    events, roomWeeks, loadNs / 1e9, events / (loadNs / 1e9));
            System.out.printf(Locale.ROOT, "derive them (DerivedResults.refresh, room by room): %.1f s (%.3f s a"
                    + " room-week)%n", deriveNs / 1e9, deriveNs / 1e9 / roomWeeks);
        }
        long t3 = System.nanoTime();
        RulesEngine engine = new RulesEngine(RULES);
        // Rooms with the same shift (r % 30) have the same events, so the same summaries: computed once per week.
        java.util.Map<String, List<DaySummary>> byPattern = new java.util.HashMap<>();
        for (int r = 1; r < rooms; r++) {
            List<DaySummary> days = new ArrayList<>();
            for (int w = city.rawWeeksOf(r); w < termWeeks; w++) {
                LocalDate monday = TERM_START.plusWeeks(w);
                int room = r;
                days.addAll(byPattern.computeIfAbsent((r % 30) + "/" + w, k -> engine.summarize(CarriedState.INITIAL,
                        week(room, monday), monday, monday.plusDays(6))));
            }
            if (days.isEmpty()) {
                continue;
            }
            if (days.get(days.size() - 1).end().open()) {
                throw new IllegalStateException("generated weeks end closed");
            }
            store.writeSummaries(room(r), days);
        }
        long t4 = System.nanoTime();
        System.out.printf(Locale.ROOT, "term summaries of the other room-weeks (engine from generated events, written by"
                + " the store): %.1f s%n", (t4 - t3) / 1e9);
        data.markComplete();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void queries(EventStore store, DerivedResults derived) throws Exception {

        // 3. the queries
        VerdictService verdicts = new VerdictService(derived, registry, SchoolCalendars.uniform(CALENDAR));
        // through the access filter like every request (docs/security.md), as the launcher's city-wide internal caller
        cn.xinan.collector.access.Access access = new cn.xinan.collector.access.Access(
                cn.xinan.collector.access.AccessSettings.in(java.nio.file.Files.createTempDirectory("xinan-city-access")),
                registry, java.time.Clock.systemUTC());
        token = access.internalToken();
        DeviceStatusBoard board = new DeviceStatusBoard(registry);
        Clock afterTheTerm = Clock.fixed(termEnd.plusDays(1).atTime(12, 0).toInstant(ZoneOffset.ofHours(8)), RulesEngine.ZONE);
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .connectionOptions(o -> o.tcpNoDelay(true)) // as the collector's server (Collector.java)
                .routing(routing -> {
                    Api.routing(routing, new ApiContext(registry, store, verdicts, new IngestCounters(), board, () -> true, access));
                    // the web UI's views (docs/web-ui.md)
                    routing.register(Api.PREFIX, new cn.xinan.collector.api.RollupService(verdicts, access,
                            cn.xinan.collector.rollup.Targets.DEFAULTS, afterTheTerm));
                    routing.register(Api.PREFIX, new cn.xinan.collector.api.RoomDetailService(verdicts, store, board, access,
                            afterTheTerm, new cn.xinan.collector.audit.AuditService(store, registry, verdicts,
                            cn.xinan.collector.verdict.SchoolCalendars.uniform(CALENDAR), afterTheTerm)));
                })
                .build().start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + server.port() + "/api/v1";
            LocalDate sunday = TERM_START.plusDays(6);
            int[] size = new int[1];
            time("city week through the API (GET /verdicts, " + rooms + " rooms)", runs, () -> {
                size[0] = get(http, base + "/verdicts?from=" + TERM_START + "&to=" + sunday);
            });
            System.out.printf(Locale.ROOT, "  (answer: %,d bytes)%n", size[0]);
            time("one room's term through the API (GET /rooms/room-0000/verdicts)", runs * 4, () -> {
                get(http, base + "/rooms/" + room(0) + "/verdicts?from=" + TERM_START + "&to=" + termEnd);
            });
            ComplianceRate[] rate = new ComplianceRate[1];
            time("city term roll-up (VerdictService, ComplianceRate over every room)", runs, () -> {
                rate[0] = ComplianceRate.over(verdicts.rooms(List.of(), TERM_START, termEnd));
            });
            System.out.printf(Locale.ROOT, "  (%s)%n", rate[0]);
            time("city term roll-up through the API (GET /rollup, by county, the web UI's roll-up)", runs, () -> {
                size[0] = get(http, base + "/rollup?from=" + TERM_START + "&to=" + termEnd);
            });
            time("city term roll-up by room through the API (GET /rollup?level=room)", runs, () -> {
                size[0] = get(http, base + "/rollup?level=room&from=" + TERM_START + "&to=" + termEnd);
            });
            System.out.printf(Locale.ROOT, "  (answer: %,d bytes)%n", size[0]);
            time("one room's page for the term through the API (GET /rooms/room-0000/detail, raw term)", runs * 4, () -> {
                size[0] = get(http, base + "/rooms/" + room(0) + "/detail?from=" + TERM_START + "&to=" + termEnd);
            });
            System.out.printf(Locale.ROOT, "  (answer: %,d bytes)%n", size[0]);
        } finally {
            server.stop();
        }
        if (store instanceof InfluxEventStore influx) {
            Clock clock = Clock.fixed(termEnd.atTime(18, 0).toInstant(ZoneOffset.ofHours(8)), RulesEngine.ZONE);
            FiguresWriter figures = new FiguresWriter(verdicts, registry, new InfluxFigures(influx),
                    FiguresSettings.defaults(), clock);
            time("one figures pass (" + (FiguresSettings.DEFAULT_WEEKS_BACK + 1) + " weeks, InfluxDB)", runs,
                    figures::runOnce);
        }
        // a full recompute of room-0000's term (the worst a late event can cost: a room open the whole term)
        Instant termFrom = TERM_START.atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant termTo = termEnd.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant();
        System.out.printf(Locale.ROOT, "room-0000's term: %,d events, of which %,d besides heartbeats; %d alive days"
                        + " holding %d spans%n", store.eventCount(room(0), termFrom, termTo),
                store.eventsBesideHeartbeats(room(0), termFrom, termTo).size(),
                store.aliveDays(room(0), TERM_START, termEnd).size(),
                store.aliveDays(room(0), TERM_START, termEnd).values().stream().mapToInt(d -> d.spans().size()).sum());
        Set<LocalDate> everyDay = new TreeSet<>(TERM_START.datesUntil(termEnd.plusDays(1)).toList());
        time("recompute room-0000's term from its alive spans (DerivedResults.recompute)", Math.max(3, runs), () -> {
            check(derived.recompute(room(0), TERM_START, termEnd, Set.of()));
        });
        time("recompute room-0000's term from its raw heartbeats (spans rebuilt, DerivedResults.recompute)",
                Math.max(3, runs / 2), () -> {
                    check(derived.recompute(room(0), TERM_START, termEnd, everyDay));
                });
    }

    private static void check(boolean recomputed) {
        if (!recomputed) {
            throw new IllegalStateException("the room's events changed while it was recomputed");
        }
    }

    /** The engine alone on the city's week, events in memory (generated per room outside the clock). */
    void engineAlone() {
        RulesEngine engine = new RulesEngine(RULES);
        long[] totals = new long[3];
        for (int run = 0; run < totals.length; run++) {
            long total = 0;
            for (int r = 0; r < rooms; r++) {
                List<DeviceEvent> events = week(r, TERM_START);
                long t = System.nanoTime();
                RoomReport report = engine.evaluate(room(r), Tier.QUALIFIED, events, CALENDAR, TERM_START,
                        TERM_START.plusDays(6));
                total += System.nanoTime() - t;
                if (report.days().isEmpty()) {
                    throw new IllegalStateException("no days");
                }
            }
            totals[run] = total;
        }
        print("engine alone on the city week (events in memory, one thread)", totals);
    }

    /** The internal caller's token of the access filter in front of the API. */
    private static volatile String token = "";

    private static int get(HttpClient http, String url) {
        try {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + res.statusCode() + ": " + new String(res.body()));
            }
            return res.body().length;
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void time(String what, int n, Step step) throws Exception {
        step.run(); // first call apart: cold JIT and caches
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            step.run();
            ns[i] = System.nanoTime() - t;
        }
        print(what, ns);
    }

    private static void print(String what, long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-80s min %9.1f ms   median %9.1f ms   (%d runs)%n", what, sorted[0] / 1e6,
                sorted[sorted.length / 2] / 1e6, sorted.length);
    }

    static long du(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes of each table and index of the SQLite file (SQLite's dbstat table). */
    static String sqliteSizes(Path file) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(out.isEmpty() ? "" : ", ").append(rs.getString(1)).append(' ')
                        .append(String.format(Locale.ROOT, "%,d", rs.getLong(2)));
            }
            return out.toString();
        } catch (java.sql.SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Bytes under each retention policy's directories (data and WAL) of InfluxDB's data directory. */
    static String influxSizes(Path dataDir) {
        java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = dataDir.relativize(f);
                // <data|wal>/<database>/<policy>/<shard>/...
                if (rel.getNameCount() > 3 && (rel.getName(0).toString().equals("data") || rel.getName(0).toString().equals("wal"))) {
                    sizes.merge(rel.getName(1) + "." + rel.getName(2), f.toFile().length(), Long::sum);
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        StringBuilder out = new StringBuilder();
        sizes.forEach((k, v) -> out.append(out.isEmpty() ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
        return out.toString();
    }

    /** Resident memory of the process whose command line mentions {@code marker} (the InfluxDB this run started). */
    static String rssOf(String marker) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains("influxd") && cmd.contains(marker)) {
                        for (String line : Files.readAllLines(p.resolve("status"))) {
                            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                                return "influxd " + line.replaceAll("\\s+", " ");
                            }
                        }
                    }
                } catch (IOException gone) {
                    // the process ended while listed
                }
            }
        } catch (IOException e) {
            return "influxd memory unknown: " + e.getMessage();
        }
        return "influxd memory unknown";
    }

    public static void main(String[] args) throws Exception {
        String only = System.getProperty("xinan.bench.only", "sqlite,influxdb");
        java.util.Optional<Path> kept = java.util.Optional.ofNullable(System.getProperty("xinan.bench.data"))
                .filter(d -> !d.isBlank()).map(Path::of);
        CityData.City city;
        // refused before anything runs: a wrong argument, a kept directory holding another city or files without a marker
        java.util.Map<String, CityData> data = new java.util.HashMap<>();
        try {
            city = CityData.City.parse(args);
            for (String store : List.of("sqlite", "influxdb")) {
                if (only.contains(store) && kept.isPresent()) {
                    data.put(store, CityData.open(kept.get().resolve(store), city));
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("city benchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        CityBenchmark bench = new CityBenchmark(city);
        bench.engineAlone();
        if (only.contains("sqlite")) {
            Path dir = kept.isPresent() ? data.get("sqlite").dir() : Files.createTempDirectory("xinan-city");
            CityData sqlite = kept.isPresent() ? data.get("sqlite") : CityData.open(dir, city);
            Path file = dir.resolve("events.db");
            try (EventStore store = new StoreSettings.Sqlite(file).open()) {
                bench.run("SQLite", store, sqlite, () -> du(dir), () -> "heap used " + (Runtime.getRuntime().totalMemory()
                        - Runtime.getRuntime().freeMemory()) / (1 << 20) + " MB");
                System.out.println("SQLite bytes per table and index: " + sqliteSizes(file));
            } finally {
                if (kept.isEmpty()) {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
        if (only.contains("influxdb")) {
            try (InfluxServer influx = kept.isPresent() ? InfluxServer.startServer(data.get("influxdb").dir())
                    : InfluxServer.startServer()) {
                CityData influxData = kept.isPresent() ? data.get("influxdb")
                        : CityData.open(influx.dataDir().resolve("city"), city);
                StoreSettings.Influx settings = new StoreSettings.Influx(influx.url(), "city", "xinan", "INF", null, null);
                try (EventStore store = settings.open()) {
                    String marker = influx.dataDir().toString();
                    bench.run("InfluxDB", store, influxData, () -> du(influx.dataDir()), () -> rssOf(marker));
                    System.out.println("InfluxDB bytes per retention policy (data and WAL): " + influxSizes(influx.dataDir()));
                }
            }
        }
    }
}
