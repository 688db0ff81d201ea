package cn.xinan.launcher.faults;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.testing.InfluxServer;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.SignedEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The fault suite's system, all real processes on loopback: Mosquitto 2 (persistence on, private port and data
 * folder, {@link MosquittoServer}), InfluxDB 1.x when the store is InfluxDB ({@link InfluxServer}), collectors
 * as their own JVMs ({@link CollectorProcess}: {@code xinan collector --config}), and simulated devices as their
 * own JVMs ({@link DeviceHost}) under steady activity, each outbox in {@code FULL} with the opt-in ledger. A
 * device may also be kept offline for simulated days in this JVM ({@link #offlineForDays}).
 *
 * <p>At the end {@link #finish} stops the activity, delivers what is left in the outboxes, waits until the store
 * holds every recorded event (or the time-out passes) and compares every recorded event id with the store.
 */
final class FaultRig implements AutoCloseable {
    enum Store { SQLITE, INFLUXDB }

    static final ZoneId LOCAL = ZoneId.of("Asia/Shanghai");

    private final Store store;
    private final Path dir;
    private final Path registryDir;
    private final MosquittoServer broker;
    private final InfluxServer influx;
    /** Whether {@link #influx} is this rig's own (closed with it), not a server shared with other rigs. */
    private final boolean ownInflux;
    /** This rig's InfluxDB database: its own, so rigs can share one server. */
    private final String database;
    private final Map<String, CollectorProcess> collectors = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<DeviceHost> hosts = new ArrayList<>();
    private final List<DeviceSpec> offline = new ArrayList<>();
    private final List<RoomDevice> offlineRunning = new ArrayList<>();
    private final List<DeviceSpec> specs = new ArrayList<>();
    private final Random random;
    private final long startedNanos = System.nanoTime();
    /** Whether the run's checks passed: a failed run keeps its folder (logs, stores, outboxes) for the post-mortem. */
    private volatile boolean passed;

    /**
     * @param cliDevices     devices each run as {@code xinan device --simulate} in its own JVM
     * @param fleetDevices   devices run {@code perFleet} to a JVM by {@link FleetMain}
     * @param offlineDevices devices kept for {@link #offlineForDays} (registered, not started)
     */
    FaultRig(Store store, int cliDevices, int fleetDevices, int perFleet, int offlineDevices, long seed) {
        this(store, cliDevices, fleetDevices, perFleet, offlineDevices, seed, Duration.ofSeconds(5));
    }

    /**
     * @param ackTimeout the devices' {@code mqtt.ackTimeout}: after a fault, what the broker took and dropped comes
     *                   again when it passes, so it bounds how long a run takes to settle
     */
    FaultRig(Store store, int cliDevices, int fleetDevices, int perFleet, int offlineDevices, long seed, Duration ackTimeout) {
        this(store, null, cliDevices, fleetDevices, perFleet, offlineDevices, seed, ackTimeout);
    }

    /**
     * @param sharedInflux an InfluxDB server other rigs use too (this rig writes its own database and leaves the server
     *                     running), or {@code null} for a server of this rig's own (the store is InfluxDB)
     */
    FaultRig(Store store, InfluxServer sharedInflux, int cliDevices, int fleetDevices, int perFleet, int offlineDevices,
             long seed, Duration ackTimeout) {
        this.store = store;
        this.random = new Random(seed);
        try {
            this.dir = Files.createTempDirectory("xinan-faults-");
            this.registryDir = Files.createDirectories(dir.resolve("registry"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.broker = MosquittoServer.startAnonymous();
        this.ownInflux = store == Store.INFLUXDB && sharedInflux == null;
        this.influx = store != Store.INFLUXDB ? null : ownInflux ? InfluxServer.startServer() : sharedInflux;
        this.database = "xinan_" + dir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_");
        SecureRandom keys = new SecureRandom();
        int n = cliDevices + fleetDevices + offlineDevices;
        List<RoomRecord> rooms = new ArrayList<>();
        List<DeviceRecord> devices = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String room = "fault-r" + i;
            Ed25519Keys.PrivateKey key = Ed25519Keys.generate(keys);
            rooms.add(new RoomRecord("fault-county", "fault-school", room, Tier.QUALIFIED, "room " + i));
            DeviceSpec spec = DeviceSpec.create(dir, "fault-d" + i, room, key, broker.url(),
                    i > cliDevices + fleetDevices ? "60s" : "1s", ackTimeout.toMillis() + "ms");
            devices.add(new DeviceRecord(spec.deviceId(), room, key.publicKey()));
            specs.add(spec);
        }
        new Registry(rooms, devices).save(registryDir);
        for (int i = 0; i < cliDevices; i++) {
            DeviceSpec spec = specs.get(i);
            hosts.add(DeviceHost.cli(spec, dir.resolve(spec.deviceId() + ".log"), random.nextLong()));
        }
        for (int i = 0; i < fleetDevices; i += perFleet) {
            List<DeviceSpec> group = specs.subList(cliDevices + i, cliDevices + Math.min(fleetDevices, i + perFleet));
            hosts.add(DeviceHost.fleet("fleet" + (hosts.size() + 1), group, dir.resolve("fleet" + (hosts.size() + 1) + ".log"),
                    random.nextLong()));
        }
        offline.addAll(specs.subList(cliDevices + fleetDevices, n));
    }

    /** A progress line on standard output (the test's output file), with the seconds since the rig started. */
    void log(String what) {
        System.out.printf("[faults %6.1f s] %s%n", (System.nanoTime() - startedNanos) / 1e9, what);
    }

    Store store() {
        return store;
    }

    MosquittoServer broker() {
        return broker;
    }

    InfluxServer influx() {
        if (influx == null) {
            throw new IllegalStateException("this rig stores into SQLite");
        }
        return influx;
    }

    Path dir() {
        return dir;
    }

    Random random() {
        return random;
    }

    List<DeviceHost> hosts() {
        return hosts;
    }

    List<DeviceSpec> offlineDevices() {
        return offline;
    }

    /** A new collector process (its own client id), started and healthy. */
    CollectorProcess startCollector(String name) {
        String storeYaml = switch (store) {
            case SQLITE -> """
                    store:
                      type: sqlite
                      sqlite:
                        path: %s
                    """.formatted(dir.resolve("events.db"));
            case INFLUXDB -> """
                    store:
                      type: influxdb
                      influxdb:
                        url: %s
                        database: %s
                    """.formatted(influx.url(), database);
        };
        CollectorProcess c = new CollectorProcess(name, dir, registryDir, broker.url(), storeYaml);
        collectors.put(name, c);
        c.start();
        log("collector " + name + " healthy");
        return c;
    }

    CollectorProcess collector(String name) {
        return collectors.get(name);
    }

    /**
     * Starts every device process (in parallel: JVM start-up is most of the cost) and waits until each of
     * their devices has booted (recorded its boot event).
     */
    void startDevices() {
        Map<DeviceSpec, Long> before = new LinkedHashMap<>();
        hosts.forEach(h -> h.devices().forEach(d -> before.put(d, d.recorded())));
        parallel(hosts, DeviceHost::start);
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (before.entrySet().stream().anyMatch(e -> e.getKey().recorded() <= e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("devices did not boot within 240 s; logs in " + dir);
            }
            hold(Duration.ofMillis(200));
        }
        log(hosts.size() + " device processes started, " + before.size() + " devices booted");
    }

    /**
     * Runs {@code action} on every item at once, a thread each (not the common pool: on two cores it has one worker,
     * and these actions mostly wait for a process), and returns when all are done; a failure is rethrown.
     */
    static <T> void parallel(List<T> items, java.util.function.Consumer<T> action) {
        try (java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().daemon().name("faults-", 1).factory())) {
            CompletableFuture.allOf(items.stream().map(i -> CompletableFuture.runAsync(() -> action.accept(i), threads))
                    .toArray(CompletableFuture[]::new)).join();
        }
    }

    /** How many events of each device the store holds now. */
    private Map<String, Integer> storedPerDevice(List<String> devices) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        devices.forEach(d -> counts.put(d, 0));
        storedIds().rows(devices).forEach(r -> counts.merge(r.deviceId(), 1, Integer::sum));
        return counts;
    }

    /** The devices run in device processes (not those kept offline). */
    private List<DeviceSpec> running() {
        return hosts.stream().flatMap(h -> h.devices().stream()).toList();
    }

    /**
     * Waits until the store holds at least {@code n} more events of every device process's device than when called:
     * the system is flowing (before a fault), or flowing again (after a repair). Fails after {@code timeout}.
     */
    void awaitStoredMore(int n, Duration timeout) {
        List<String> devices = running().stream().map(DeviceSpec::deviceId).toList();
        Map<String, Integer> before = storedPerDevice(devices);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Integer> now = storedPerDevice(devices);
            if (devices.stream().allMatch(d -> now.get(d) >= before.get(d) + n)) {
                log("store holds " + n + "+ more events of each device");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the store did not take " + n + " more events of each device within "
                        + timeout + " (before " + before + ", now " + now + "); logs in " + dir);
            }
            hold(Duration.ofMillis(100));
        }
    }

    /**
     * Waits until every device process's device has recorded (committed to its outbox) at least {@code n} more events
     * than when called: the devices go on recording while a fault lasts. Fails after {@code timeout}.
     */
    void awaitRecordedMore(int n, Duration timeout) {
        Map<DeviceSpec, Long> before = new LinkedHashMap<>();
        running().forEach(d -> before.put(d, d.recorded()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (before.entrySet().stream().anyMatch(e -> e.getKey().recorded() < e.getValue() + n)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the devices did not record " + n + " more events each within " + timeout
                        + "; logs in " + dir);
            }
            hold(Duration.ofMillis(100));
        }
        log("each device recorded " + n + "+ more events");
    }

    /** Lets the devices work for a while: the length of a stretch of the schedule, not a wait for a condition. */
    static void hold(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A network outage of {@code days} simulated days for an offline device, in this JVM: its clock starts
     * {@code days} ago with the network down, it records heartbeats (every 60 s) and room activity up to now,
     * then the network comes back and the backlog goes out in batches while the device keeps running.
     */
    void offlineForDays(DeviceSpec spec, int days) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        SimulatedClock clock = new SimulatedClock(now.minus(Duration.ofDays(days)));
        RoomDevice device = RoomDevice.simulated(spec.config(), clock);
        device.networkDown();
        device.boot("power_on");
        Activity activity = new Activity(random.nextLong());
        for (Instant t = clock.instant(); t.isBefore(now); t = t.plusSeconds(60 + random.nextInt(20 * 60))) {
            device.advanceTo(t);
            String command = activity.next();
            if (command != null) {
                String[] w = command.split(" ");
                switch (w[0]) {
                    case "presence" -> device.presence("on".equals(w[1]));
                    case "checkin" -> device.checkIn(Purpose.ofWireName(w[1]), Stage.ofWireName(w[2]));
                    case "open" -> device.staffOpen(w[1]);
                    default -> device.staffClose(w[1]);
                }
            }
        }
        device.advanceTo(now);
        device.networkUp();
        offlineRunning.add(device);
    }

    /** Every event each device committed so far, by device id. */
    Map<String, List<SignedEvent>> ledgers() {
        Map<String, List<SignedEvent>> ledgers = new LinkedHashMap<>();
        for (DeviceSpec s : specs) {
            ledgers.put(s.deviceId(), s.ledger());
        }
        return ledgers;
    }

    StoredIds storedIds() {
        return store == Store.SQLITE ? StoredIds.sqlite(dir.resolve("events.db")) : StoredIds.influx(influx, database);
    }

    Tally tally() {
        Map<String, List<SignedEvent>> ledgers = ledgers();
        return Tally.of(ledgers, storedIds().rows(ledgers.keySet()));
    }

    /**
     * Waits until the store holds every event recorded up to now (events recorded meanwhile are not waited
     * for); returns how long that took, or empty when {@code timeout} passed first.
     */
    java.util.Optional<Duration> awaitCaughtUp(Duration timeout) {
        long start = System.nanoTime();
        Set<String> wanted = new HashSet<>();
        ledgers().values().forEach(l -> l.forEach(e -> wanted.add(e.event().eventId())));
        long deadline = start + timeout.toNanos();
        while (true) {
            Set<String> stored = new HashSet<>();
            storedIds().rows(specs.stream().map(DeviceSpec::deviceId).toList()).forEach(r -> stored.add(r.eventId()));
            if (stored.containsAll(wanted)) {
                return java.util.Optional.of(Duration.ofNanos(System.nanoTime() - start));
            }
            if (System.nanoTime() > deadline) {
                return java.util.Optional.empty();
            }
            hold(Duration.ofMillis(200));
        }
    }

    /**
     * The end of a run: stops every device (nothing more is recorded; a SIGKILL), delivers what is left in their outboxes
     * (the firmware's deliver-only start, as after a power-off), waits up to {@code settle} for the store to
     * hold every recorded event, and compares.
     */
    Tally finish(Duration settle) {
        log("stopping the devices");
        // SIGKILL, like a power cut: what each device committed is in its ledger, the rest never happened
        parallel(hosts, DeviceHost::kill);
        List<RoomDevice> draining = new ArrayList<>(offlineRunning);
        offlineRunning.clear();
        for (DeviceHost h : hosts) {
            for (DeviceSpec s : h.devices()) {
                if (s.pending() > 0) {
                    RoomDevice d = RoomDevice.simulated(s.config(), new SimulatedClock(Instant.now()));
                    d.deliverOnly();
                    draining.add(d);
                }
            }
        }
        log("devices stopped; delivering the rest of " + draining.size() + " outboxes");
        long deadline = System.nanoTime() + settle.toNanos();
        while (draining.stream().anyMatch(d -> d.outboxDepth() > 0) && System.nanoTime() < deadline) {
            hold(Duration.ofMillis(200));
        }
        draining.forEach(RoomDevice::close);
        log("outboxes delivered; waiting for the store");
        awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        Tally tally = tally();
        log(tally.toString());
        return tally;
    }

    /**
     * The verdicts of every room over the days of the recorded events, computed by the collector's own
     * {@link VerdictService} from the store (first) and from the recorded events as a fault-free delivery would
     * have stored them (second). Call after {@link #finish} with the collectors stopped.
     */
    List<List<RoomReport>> verdictsStoredAndRecorded() {
        Map<String, List<SignedEvent>> ledgers = ledgers();
        Registry registry = Registry.load(registryDir);
        List<Instant> times = ledgers.values().stream().flatMap(List::stream).map(e -> e.event().at()).sorted().toList();
        LocalDate from = times.get(0).atZone(LOCAL).toLocalDate();
        LocalDate to = times.get(times.size() - 1).atZone(LOCAL).toLocalDate();
        List<String> rooms = registry.rooms().stream().map(RoomRecord::roomId).toList();
        SchoolCalendar calendar = SchoolCalendar.of(NationalCalendar.bundled());
        List<RoomReport> fromStore;
        try (EventStore s = openStore(); DerivedResults derived = new DerivedResults(s, RuleSettings.defaults())) {
            // as a collector does when it starts: the days whose summaries miss events (a collector killed or stopped
            // between storing and deriving; InfluxDB keeps its marks in the collector's memory) are derived again
            derived.reconcile(from, to);
            fromStore = new VerdictService(s, registry, RuleSettings.defaults(), calendar).rooms(rooms, from, to);
        }
        List<RoomReport> fromLedger;
        try (SqliteEventStore s = SqliteEventStore.open(dir.resolve("fault-free.db"))) {
            List<StoredEvent> all = new ArrayList<>();
            for (DeviceSpec spec : specs) {
                ledgers.get(spec.deviceId()).forEach(e -> all.add(new StoredEvent(e, spec.roomId(), Instant.now())));
            }
            s.append(all);
            fromLedger = new VerdictService(s, registry, RuleSettings.defaults(), calendar).rooms(rooms, from, to);
        }
        return List.of(fromStore, fromLedger);
    }

    private EventStore openStore() {
        return store == Store.SQLITE
                ? SqliteEventStore.open(dir.resolve("events.db"))
                : InfluxEventStore.open(new StoreSettings.Influx(influx.url(), database, "xinan", "INF", null, null));
    }

    /** The run's checks passed: {@link #close} may remove its folder. */
    void passed() {
        passed = true;
    }

    void stopCollectors() {
        List.copyOf(collectors.values()).forEach(CollectorProcess::terminate);
    }

    @Override
    public void close() {
        hosts.forEach(DeviceHost::kill);
        offlineRunning.forEach(RoomDevice::close);
        List.copyOf(collectors.values()).forEach(CollectorProcess::kill);
        try {
            Files.writeString(dir.resolve("mosquitto.log"), broker.readLog());
        } catch (IOException e) {
            log("Mosquitto's log not kept: " + e.getMessage());
        }
        broker.close();
        if (influx != null && ownInflux) {
            influx.close();
        }
        if (!passed || Boolean.getBoolean("xinan.faults.keep")) {
            log("kept for the post-mortem: " + dir);
        } else {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
    }
}
