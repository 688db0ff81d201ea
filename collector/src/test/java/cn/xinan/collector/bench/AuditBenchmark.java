package cn.xinan.collector.bench;

import cn.xinan.collector.audit.AuditCsv;
import cn.xinan.collector.audit.AuditJson;
import cn.xinan.collector.audit.AuditPdf;
import cn.xinan.collector.audit.AuditReport;
import cn.xinan.collector.audit.AuditRoom;
import cn.xinan.collector.audit.AuditScope;
import cn.xinan.collector.audit.AuditService;
import cn.xinan.collector.audit.AuditSettings;
import cn.xinan.collector.audit.CollectorKey;
import cn.xinan.collector.audit.DeviceEvidence;
import cn.xinan.collector.audit.EventExceptions;
import cn.xinan.collector.audit.EvidenceBundle;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.DeviceEvent;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.wire.SignedEvent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The term audit of a city's 示范 rooms (docs/benchmarks.md, "Audit"): a city of {@code rooms} rooms of which
 * {@code demoPercent} % are 示范, each with a term of realistic raw events ({@link CityBenchmark#week}: a heartbeat every
 * 60 s, two sessions on weekdays; each event received 30 s after it was recorded).
 * <ol>
 *   <li>In memory, per 示范 room, events generated outside the clock: the engine alone (the peer figure), and the audit's
 *       own computation (engine, then the exceptions found in the events).</li>
 *   <li>The report of every 示范 room rendered as JSON, CSV and PDF (the printable 台帐): min / median of {@code runs}.</li>
 *   <li>Through the production code from the store ({@code sqlite}, or {@code influxdb}: an InfluxDB 1.x started on
 *       loopback with a temporary data folder): {@code storeRooms} 示范 rooms' terms loaded raw and derived, then
 *       {@code AuditService.audit} (from the derived results), and for the first {@code bundleRooms} of them
 *       the whole evidence bundle with its PDF (the audit, then each room's events read from the store and streamed),
 *       with the peak heap used while writing it; then the bundle of format 3 ({@code EvidenceBundle.writeByDay}) cold
 *       (a new evidence directory: every room-day's segment built from the store and written, one run) and warm (every
 *       segment copied), per room, with the load average; last, what writing the segments costs the derivation: the
 *       first room's term derived again from its raw events without and with the segments written.</li>
 * </ol>
 * Usage: {@code AuditBenchmark [rooms=1000] [demoPercent=20] [termWeeks=20] [runs=5] [storeRooms=10] [store=sqlite]
 * [bundleRooms=min(storeRooms, 10)] [inMemory=true]}; {@code inMemory=false} leaves out the first two parts. With the
 * system property {@code xinan.bench.data} (the script's {@code BENCH_DATA}) part 3 reads the city the city benchmark
 * kept there ({@link CityData}; every room's whole term raw) and audits all its 示范 rooms instead of loading
 * {@code storeRooms} of them.
 */
public final class AuditBenchmark {
    private static final LocalDate TERM_START = CityBenchmark.TERM_START;

    /** Counts the bytes written to it and drops them. */
    private static final class CountingSink extends java.io.OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long[] time(int n, Step step) throws Exception {
        step.run(); // first call apart: cold JIT and caches
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            step.run();
            ns[i] = System.nanoTime() - t;
        }
        return ns;
    }

    private static void print(String what, long[] ns) {
        System.out.printf(Locale.ROOT, "%-78s min %9.1f ms   median %9.1f ms   (%d runs)%n", what, min(ns) / 1e6,
                median(ns) / 1e6, ns.length);
    }

    private static long min(long[] ns) {
        return Arrays.stream(ns).min().orElseThrow();
    }

    private static long median(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<DeviceEvent> term(int r, int termWeeks) {
        List<DeviceEvent> out = new ArrayList<>(termWeeks * 10_200);
        // the audit's event window starts a week before the term (docs/audit.md): that week is quiet here
        for (int w = 0; w < termWeeks; w++) {
            out.addAll(CityBenchmark.week(r, TERM_START.plusWeeks(w)));
        }
        return out;
    }

    private static Map<String, Instant> receivedAt(List<DeviceEvent> events) {
        Map<String, Instant> out = new HashMap<>(events.size() * 2);
        for (DeviceEvent e : events) {
            out.put(e.eventId(), e.at().plusSeconds(30));
        }
        return out;
    }

    private static String loadAverage() {
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return l[0] + " / " + l[1] + " / " + l[2];
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * The city benchmark's kept store of {@code storeType} under {@code kept} ({@link CityData}), which must hold every
     * room's whole term raw ({@code rawRooms = rooms}, {@code rawWeeks = termWeeks}): the audit then reads the store as
     * the city benchmark loaded and derived it. A load not finished yet is audited over its 示范 rooms loaded so far
     * (rooms {@code 0..loadedRooms-1}), the figures for all of them then extrapolated.
     */
    private static CityData keptCity(Path kept, String storeType, int rooms, int termWeeks) {
        CityData data = CityData.open(kept.resolve(storeType), new CityData.City(rooms, termWeeks, 1, rooms, termWeeks));
        if (data.loadedRooms() == 0) {
            throw new IllegalStateException(data.dir() + " holds no loaded room yet: load it with ./xinan bench city "
                    + rooms + " " + termWeeks + " 1 " + rooms + " " + termWeeks + " and the same BENCH_DATA first");
        }
        return data;
    }

    public static void main(String[] args) throws Exception {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int demoPercent = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int termWeeks = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int storeRooms = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        String storeType = args.length > 5 ? args[5] : "sqlite";
        int bundleRooms = args.length > 6 ? Integer.parseInt(args[6]) : Math.min(storeRooms, 10);
        boolean inMemory = args.length <= 7 || Boolean.parseBoolean(args[7]);
        Optional<Path> kept = Optional.ofNullable(System.getProperty("xinan.bench.data")).filter(d -> !d.isBlank())
                .map(Path::of);
        if (!storeType.equals("sqlite") && !storeType.equals("influxdb")) {
            throw new IllegalArgumentException("store must be sqlite or influxdb, was " + storeType);
        }
        int every = Math.max(1, 100 / demoPercent);
        List<RoomRecord> records = new ArrayList<>();
        List<Integer> demo = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            boolean isDemo = r % every == 0;
            if (isDemo) {
                demo.add(r);
            }
            records.add(new RoomRecord("county-" + ((r / 2) % 7), "school-" + (r / 2), CityBenchmark.room(r),
                    isDemo ? Tier.DEMONSTRATION : Tier.QUALIFIED, "第 " + r + " 号心理辅导室"));
        }
        Registry registry = new Registry(records, List.of());
        LocalDate termEnd = TERM_START.plusWeeks(termWeeks).minusDays(1);
        Instant generatedAt = termEnd.plusDays(3).atStartOfDay(RulesEngine.ZONE).toInstant();
        RulesEngine engine = new RulesEngine(CityBenchmark.RULES);
        AuditSettings.ExceptionSettings settings = AuditSettings.ExceptionSettings.defaults();
        System.out.printf(Locale.ROOT, "city: %d rooms, %d 示范 (%d %%), term %s..%s (%d weeks), %d runs%n", rooms,
                demo.size(), demoPercent, TERM_START, termEnd, termWeeks, runs);

        AuditPdf pdf = AuditPdf.locate(Optional.empty());
        CollectorKey key = CollectorKey.loadOrCreate(Files.createTempDirectory("xinan-audit-bench-key")
                .resolve(CollectorKey.FILE_NAME), new SecureRandom());
        if (inMemory) {
            inMemory(records, demo, termWeeks, runs, termEnd, generatedAt, engine, settings, pdf, key);
        }
        if (storeRooms > 0) {
            throughTheStore(registry, demo, termWeeks, runs, storeRooms, storeType, bundleRooms, termEnd, generatedAt,
                    settings, pdf, key, kept);
        }
    }

    /** 1 and 2: the engine and the audit's computation over events in memory, then the report's formats. */
    private static void inMemory(List<RoomRecord> records, List<Integer> demo, int termWeeks, int runs, LocalDate termEnd,
                                 Instant generatedAt, RulesEngine engine, AuditSettings.ExceptionSettings settings,
                                 AuditPdf pdf, CollectorKey key) throws Exception {
        // 1. in memory: the engine alone, and the audit's computation (engine + exceptions), per room summed
        long[] engineAlone = new long[Math.max(1, Math.min(runs, 3))];
        long[] computation = new long[engineAlone.length];
        long events = 0;
        List<AuditRoom> audited = new ArrayList<>();
        for (int run = 0; run < engineAlone.length; run++) {
            audited.clear();
            events = 0;
            for (int r : demo) {
                RoomRecord room = records.get(r);
                List<DeviceEvent> term = term(r, termWeeks);
                Map<String, Instant> received = receivedAt(term);
                events += term.size();
                long t0 = System.nanoTime();
                engine.evaluate(room.roomId(), room.tier(), term, CityBenchmark.CALENDAR, TERM_START, termEnd);
                long t1 = System.nanoTime();
                RoomReport report = engine.evaluate(room.roomId(), room.tier(), term, CityBenchmark.CALENDAR, TERM_START, termEnd);
                var found = EventExceptions.find(room.school(), room.tier(), report, term, received, CityBenchmark.CALENDAR,
                        engine, settings, TERM_START, termEnd, generatedAt);
                long t2 = System.nanoTime();
                engineAlone[run] += t1 - t0;
                computation[run] += t2 - t1;
                audited.add(new AuditRoom(room, report, List.of(DeviceEvidence.of("dev-" + r,
                        term.stream().mapToLong(DeviceEvent::seq).toArray())), found));
            }
        }
        System.out.printf(Locale.ROOT, "events in memory: %,d (%,d per room)%n", events, events / demo.size());
        print("engine alone, every 示范 room's term, events in memory (peer figure)", engineAlone);
        print("audit computation: engine + exceptions found in the events", computation);

        // 2. the outputs
        AuditReport report = new AuditReport(TERM_START, termEnd, AuditScope.demonstrationRooms(), CityBenchmark.RULES,
                generatedAt, audited, settings);
        Map<String, String> schools = new HashMap<>();
        byte[][] out = new byte[3][];
        long[] json = time(runs, () -> out[0] = AuditJson.toJson(report).getBytes(StandardCharsets.UTF_8));
        print("JSON of the audit", json);
        long[] csv = time(runs, () -> out[1] = AuditCsv.bytes(report));
        print("CSV of the audit", csv);
        long[] pdfNs = time(runs, () -> out[2] = pdf.render(report, schools, key.publicKey()));
        print("PDF of the audit (the printable 台帐, font " + pdf.fontFile().getFileName() + ")", pdfNs);
        int pages;
        try (var doc = org.apache.pdfbox.Loader.loadPDF(out[2])) {
            pages = doc.getNumberOfPages();
        }
        System.out.printf(Locale.ROOT, "  sizes: JSON %,d bytes, CSV %,d bytes, PDF %,d bytes (%d pages); %d exceptions%n",
                out[0].length, out[1].length, out[2].length, pages,
                audited.stream().mapToInt(r -> r.exceptions().size()).sum());
        long memoryTotal = min(computation) + Math.max(Math.max(min(json), min(csv)), min(pdfNs));
        System.out.printf(Locale.ROOT, "audit from events in memory (computation + the slowest format), minimum: %.1f s"
                + " (bar < 10 s)%n", memoryTotal / 1e9);
    }

    /** 3: the production path from the store, for storeRooms 示范 rooms. */
    private static void throughTheStore(Registry registry, List<Integer> demo, int termWeeks, int runs, int storeRooms,
                                        String storeType, int bundleRooms, LocalDate termEnd, Instant generatedAt,
                                        AuditSettings.ExceptionSettings settings, AuditPdf pdf, CollectorKey key,
                                        Optional<Path> kept) throws Exception {
        {
            // a kept city (BENCH_DATA, docs/benchmarks.md "City") is audited as it is: nothing loaded, nothing removed
            Optional<CityData> city = kept.map(k -> keptCity(k, storeType, registry.rooms().size(), termWeeks));
            Path dir = city.isPresent() ? city.get().dir() : Files.createTempDirectory("xinan-audit-bench");
            String storeName = storeType.equals("sqlite") ? "SQLite" : "InfluxDB";
            cn.xinan.testing.InfluxServer influx = !storeType.equals("influxdb") ? null
                    : city.isPresent() ? cn.xinan.testing.InfluxServer.startServer(dir)
                    : cn.xinan.testing.InfluxServer.startServer();
            try (EventStore store = influx == null ? new StoreSettings.Sqlite(dir.resolve("events.db")).open()
                    : new StoreSettings.Influx(influx.url(), city.isPresent() ? "city" : "xinan_audit_bench", "xinan",
                    "INF", null, null).open()) {
                List<String> loaded = new ArrayList<>();
                long t = System.nanoTime();
                long stored = 0;
                if (city.isPresent()) {
                    int loadedRooms = city.get().loadedRooms();
                    demo.stream().filter(r -> r < loadedRooms).forEach(r -> loaded.add(CityBenchmark.room(r)));
                    System.out.printf(Locale.ROOT, "%s: the kept city in %s (every room's term raw, loaded and derived"
                            + " by the city benchmark; %s): auditing %d of its %d 示范 rooms; load average %s%n", storeName,
                            dir, city.get().complete() ? "complete" : "loaded so far: rooms 0.." + (loadedRooms - 1),
                            loaded.size(), demo.size(), loadAverage());
                }
                for (int r : city.isPresent() ? List.<Integer>of() : demo.subList(0, Math.min(storeRooms, demo.size()))) {
                    List<DeviceEvent> term = term(r, termWeeks);
                    List<StoredEvent> batch = new ArrayList<>(term.size());
                    for (DeviceEvent e : term) {
                        batch.add(new StoredEvent(new SignedEvent(e, CityBenchmark.SIGNATURE), CityBenchmark.room(r),
                                e.at().plusSeconds(30)));
                    }
                    for (int i = 0; i < batch.size(); i += 10_000) {
                        store.append(batch.subList(i, Math.min(batch.size(), i + 10_000)));
                    }
                    stored += batch.size();
                    loaded.add(CityBenchmark.room(r));
                }
                if (city.isEmpty()) {
                    System.out.printf(Locale.ROOT, "%s: %d 示范 rooms' terms loaded raw, %,d events in %.1f s; load"
                            + " average %s%n", storeName, loaded.size(), stored, (System.nanoTime() - t) / 1e9,
                            loadAverage());
                }
                SchoolCalendars calendars = SchoolCalendars.uniform(CityBenchmark.CALENDAR);
                AuditService audits = new AuditService(store, registry, new VerdictService(store, registry,
                        CityBenchmark.RULES, calendars), calendars, Clock.fixed(generatedAt, ZoneOffset.UTC), settings);
                AuditScope scope = new AuditScope(Optional.empty(), Optional.empty(), loaded, java.util.EnumSet.of(Tier.DEMONSTRATION));
                long t1 = System.nanoTime();
                audits.audit(scope, TERM_START, termEnd);
                System.out.printf(Locale.ROOT, city.isPresent()
                        ? "first audit (the kept city is derived; store and caches cold): %.1f s; load average %s%n"
                        : "first audit (derives the day summaries, alive spans and sequence-number records of every"
                        + " loaded event, done on ingest in production): %.1f s; load average %s%n",
                        (System.nanoTime() - t1) / 1e9, loadAverage());
                long[] derived = time(runs, () -> audits.audit(scope, TERM_START, termEnd));
                print("AuditService.audit from " + storeName + " (" + loaded.size() + " rooms, derived results)", derived);
                System.out.printf(Locale.ROOT, "  per room %.1f ms; for all %d 示范 rooms%s: %.2f s; load average %s%n",
                        min(derived) / 1e6 / loaded.size(), demo.size(),
                        loaded.size() == demo.size() ? "" : ", extrapolated linearly",
                        min(derived) / 1e9 / loaded.size() * demo.size(), loadAverage());
                long[] jsonOfAudit = time(runs, () -> AuditJson.toJson(audits.audit(scope, TERM_START, termEnd)));
                print("the same audit and its JSON (what GET /api/v1/audit computes)", jsonOfAudit);
                if (bundleRooms > 0) {
                    List<String> bundled = loaded.subList(0, Math.min(bundleRooms, loaded.size()));
                    AuditScope few = new AuditScope(Optional.empty(), Optional.empty(), bundled,
                            java.util.EnumSet.of(Tier.DEMONSTRATION));
                    long[] size = new long[1];
                    List<java.lang.management.MemoryPoolMXBean> heap = java.lang.management.ManagementFactory
                            .getMemoryPoolMXBeans().stream()
                            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP).toList();
                    System.gc();
                    long heapBefore = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    heap.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
                    // a kept city's bundle is the city's (minutes a run in format 2): format 2 is timed on loaded rooms only
                    long[] bundle = city.isPresent() ? new long[0] : time(Math.max(1, Math.min(runs, 3)), () -> {
                        CountingSink sink = new CountingSink();
                        EvidenceBundle.write(audits.evidence(few, TERM_START, termEnd), key, Optional.of(pdf), sink);
                        size[0] = sink.bytes;
                    });
                    long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                    String pools = String.join(", ", heap.stream().map(p -> String.format(Locale.ROOT, "%s %,d MB",
                            p.getName(), p.getPeakUsage().getUsed() >> 20)).toList());
                    if (bundle.length > 0) {
                        print("evidence bundle with its PDF from " + storeName + " (" + bundled.size()
                                + " rooms: audit, then streamed to a sink that counts the bytes)", bundle);
                        System.out.printf(Locale.ROOT, "  heap used before the bundles %,d MB; peak while writing them"
                                        + " %,d MB (sum of the heap pools' peaks: %s; garbage not yet collected included;"
                                        + " -Xmx %,d MB)%n", heapBefore >> 20, peak >> 20, pools,
                                Runtime.getRuntime().maxMemory() >> 20);
                        System.out.printf(Locale.ROOT, "  bundle: %,d bytes; per room %.2f s; for all %d 示范 rooms,"
                                        + " extrapolated linearly: %.0f s (bar < 10 s); load average %s%n", size[0],
                                min(bundle) / 1e9 / bundled.size(), demo.size(),
                                min(bundle) / 1e9 / bundled.size() * demo.size(), loadAverage());
                    } else {
                        System.out.println("format 2 bundle: not timed on a kept city (docs/benchmarks.md gives it per"
                                + " room); format 3 below");
                    }

                    // format 3: cold (every segment built from the store and written), then warm (every segment copied)
                    // a new evidence directory each run (the kept city's directory keeps the store only)
                    Path segments = city.isPresent() ? Files.createTempDirectory("xinan-audit-bench-evidence")
                            : dir.resolve("evidence");
                    AuditService.SegmentUse[] use = new AuditService.SegmentUse[1];
                    // one run, timed alone (time() would first run it apart and leave the segments written)
                    long coldStart = System.nanoTime();
                    {
                        CountingSink sink = new CountingSink();
                        use[0] = EvidenceBundle.writeByDay(audits.evidence(few, TERM_START, termEnd), key, Optional.of(pdf),
                                Optional.of(segments), sink);
                        size[0] = sink.bytes;
                    }
                    long[] cold = {System.nanoTime() - coldStart};
                    long segmentBytes;
                    long segmentFiles;
                    try (Stream<Path> files = Files.walk(segments)) {
                        long[] sum = new long[2];
                        files.filter(Files::isRegularFile).forEach(f -> {
                            sum[0] += f.toFile().length();
                            sum[1]++;
                        });
                        segmentBytes = sum[0];
                        segmentFiles = sum[1];
                    }
                    print("bundle of format 3, cold (" + use[0] + "; " + segmentFiles + " segment files, "
                            + String.format(Locale.ROOT, "%,d", segmentBytes) + " bytes)", cold);
                    System.out.printf(Locale.ROOT, "  bundle: %,d bytes; per room %.3f s; load average %s%n", size[0],
                            min(cold) / 1e9 / bundled.size(), loadAverage());
                    System.gc();
                    heap.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
                    long[] warm = time(Math.max(1, Math.min(runs, 3)), () -> {
                        CountingSink sink = new CountingSink();
                        use[0] = EvidenceBundle.writeByDay(audits.evidence(few, TERM_START, termEnd), key, Optional.of(pdf),
                                Optional.of(segments), sink);
                        size[0] = sink.bytes;
                    });
                    long warmPeak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                    print("bundle of format 3, warm (" + use[0] + ")", warm);
                    System.out.printf(Locale.ROOT, "  bundle: %,d bytes; per room %.3f s; for all %d 示范 rooms%s:"
                                    + " %.1f s (bar < 10 s); heap peak while writing %,d MB; load average %s%n", size[0],
                            min(warm) / 1e9 / bundled.size(), demo.size(),
                            bundled.size() == demo.size() ? " (measured)" : ", extrapolated linearly",
                            min(warm) / 1e9 / bundled.size() * demo.size(), warmPeak >> 20, loadAverage());
                    if (city.isPresent()) {
                        deleteTree(segments);
                    }
                }
                if (!loaded.isEmpty()) {
                    derivationWithSegments(store, loaded.subList(0, 1), runs, termWeeks, termEnd);
                }
            } finally {
                if (influx != null) {
                    influx.close();
                }
                if (city.isEmpty()) {
                    deleteTree(dir);
                }
            }
        }
    }

    /**
     * What writing the evidence segments costs the derivation (the collector writes the segment of every day it
     * rebuilds, docs/audit.md "Evidence segments"): the terms of {@code rooms} recomputed from their raw events by
     * {@link cn.xinan.collector.verdict.DerivedResults#recompute} without a listener (the peer), then with one writing
     * each rebuilt day's segment into a new directory; min / median of {@code min(runs, 3)} runs each. Derived results
     * are idempotent to write: a kept city's are written again unchanged.
     */
    private static void derivationWithSegments(EventStore store, List<String> rooms, int runs, int termWeeks,
                                               LocalDate termEnd) throws Exception {
        java.util.Set<LocalDate> days = new java.util.TreeSet<>();
        for (LocalDate d = TERM_START; !d.isAfter(termEnd); d = d.plusDays(1)) {
            days.add(d);
        }
        Path segments = Files.createTempDirectory("xinan-audit-bench-derive");
        try {
            cn.xinan.collector.verdict.DerivedResults plain = new cn.xinan.collector.verdict.DerivedResults(store,
                    CityBenchmark.RULES);
            cn.xinan.collector.verdict.DerivedResults writing = new cn.xinan.collector.verdict.DerivedResults(store,
                    CityBenchmark.RULES).onRebuiltDay((room, day, events) ->
                    cn.xinan.collector.audit.EvidenceSegment.of(room, day, events).write(segments));
            int n = Math.max(1, Math.min(runs, 3));
            long[] without = time(n, () -> rooms.forEach(r -> plain.recompute(r, TERM_START, termEnd, days)));
            print("derivation of " + rooms.size() + " room's term from its raw events, no segments (peer)", without);
            long[] with = time(n, () -> rooms.forEach(r -> writing.recompute(r, TERM_START, termEnd, days)));
            print("the same derivation writing every rebuilt day's evidence segment", with);
            int roomWeeks = rooms.size() * termWeeks;
            System.out.printf(Locale.ROOT, "  per room-week: %.1f ms without, %.1f ms with segments (+%.1f ms, %+.0f %%,"
                            + " medians); load average %s%n", median(without) / 1e6 / roomWeeks,
                    median(with) / 1e6 / roomWeeks, (median(with) - median(without)) / 1e6 / roomWeeks,
                    100.0 * (median(with) - median(without)) / median(without), loadAverage());
        } finally {
            deleteTree(segments);
        }
    }

    /** Deletes a directory the benchmark made, with everything in it. */
    private static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
