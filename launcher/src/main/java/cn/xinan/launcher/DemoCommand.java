package cn.xinan.launcher;

import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.device.config.StaffSettings;
import cn.xinan.device.staff.PinHash;
import cn.xinan.device.staff.StaffAccess.StaffPin;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.launcher.demo.DemoDistrict;
import cn.xinan.launcher.replay.ScenarioAction;
import cn.xinan.launcher.replay.SimulatedBrokerAccounts;
import cn.xinan.launcher.replay.SimulatedRooms;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.provisioning.people.PasswordHasher;
import cn.xinan.provisioning.people.People;
import cn.xinan.provisioning.people.Person;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code xinan demo}: the embedded broker and store, the collector, and six simulated rooms of a
 * sample district. It replays the school life of last week and this week up to now in seconds,
 * then keeps the rooms running live on the real clock until Ctrl-C. Each simulated device serves its own
 * kiosk screen. Its files live in a temporary folder that is removed when it stops (unless {@code --work-dir}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the collector with its embedded broker and store, plus six simulated rooms, each serving its kiosk: last week replayed in seconds, then live until Ctrl-C.")
final class DemoCommand implements Callable<Integer> {
    private static final ZoneId LOCAL = ZoneId.of("Asia/Shanghai");

    @Option(names = "--http-port", defaultValue = "8080", description = "REST API port (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--broker-port", defaultValue = "18830", description = "embedded MQTT broker port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int brokerPort;

    @Option(names = "--seed", defaultValue = "20250303", description = "seed of the simulated school life (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where the demo keeps its files (default: a new temporary folder)")
    Path workDir;

    @Option(names = "--replay-only", description = "stop after replaying the history instead of running live")
    boolean replayOnly;

    @Option(names = "--influxdb", paramLabel = "URL", description = "store the events and the dashboards' figures in "
            + "this InfluxDB (v1 API), e.g. http://127.0.0.1:8086, instead of the embedded store: the Grafana dashboards "
            + "can then be opened on the demo district (docs/dashboards.md)")
    String influxdb;

    @Option(names = "--influxdb-database", paramLabel = "NAME", defaultValue = "xinan", description = "InfluxDB database, "
            + "created when missing; it must hold no events yet (default: ${DEFAULT-VALUE}, as the dashboards' data source)")
    String influxDatabase;

    /** The staff PIN of every demo kiosk (staff codes T1, T2, T3, as in the simulated school life). */
    static final String DEMO_STAFF_PIN = "2468";

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Instant now = Instant.now();
        try (WorkDir work = WorkDir.open(workDir, "demo")) {
            return run(out, now, work);
        }
    }

    private Integer run(PrintStream out, Instant now, WorkDir work) throws Exception {
        Path dir = work.path();
        SchoolCalendar calendar = SchoolCalendar.of(NationalCalendar.bundled());
        Instant from = DemoDistrict.historyStart(now);
        Deque<ScenarioAction> pending = new ArrayDeque<>(DemoDistrict.life(from, now.plus(Duration.ofDays(14)), calendar, seed)
                .stream().sorted(Comparator.comparing((ScenarioAction a) -> a.at().toInstant()).thenComparingInt(ScenarioAction::line))
                .toList());

        DemoDistrict.Provisioned district = DemoDistrict.provision(dir, "tcp://127.0.0.1:" + brokerPort);
        SimulatedRooms rooms = SimulatedRooms.provisioned(DemoDistrict.rooms(), district.keys(), district.passwords(), dir,
                new SimulatedClock(from));
        rooms.serveKiosks(freePorts(DemoDistrict.rooms()), demoStaff());
        // the embedded broker enforces a password file and ACL as a Mosquitto would: the district's devices (the
        // sample room's too, for `xinan device --simulate`) and the collector, nobody anonymous
        Map<String, String> devicePasswords = new LinkedHashMap<>();
        district.passwords().forEach((room, password) -> devicePasswords.put(SimulatedRooms.deviceId(room), password));
        devicePasswords.put(DemoDistrict.SAMPLE_DEVICE, DemoDistrict.SAMPLE_PASSWORD);
        SimulatedBrokerAccounts accounts = SimulatedBrokerAccounts.write(dir.resolve("broker-access"), devicePasswords);
        Map<DemoDistrict.DemoPerson, String> passwords = provisionPeople(district.registryDir());
        CollectorConfig config = CollectorConfig.embedded(dir.resolve("collector"), district.registryDir(),
                Optional.empty(), brokerPort, httpPort).withEmbeddedBrokerAccess(accounts.files(),
                accounts.collectorUser(), accounts.collectorPassword());
        if (influxdb != null) {
            // the retention policy the collector and the dashboards use (docs/dashboards.md)
            config = config.withStore(new StoreSettings.Influx(influxdb, influxDatabase, "xinan", "INF", null, null));
        }
        Collector collector = new Collector(config).start();
        if (influxdb != null && collector.storedEventCount() > 0) {
            long held = collector.storedEventCount();
            collector.close();
            throw new UserInputException("InfluxDB database " + influxDatabase + " at " + influxdb + " already holds " + held
                    + " events (an earlier demo?): the demo district would be mixed with them. Drop it (influx -execute "
                    + "'DROP DATABASE " + influxDatabase + "') or name another with --influxdb-database");
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "xinan-demo-shutdown"));
        try {
            if (!collector.awaitSubscribed(Duration.ofMinutes(1))) {
                throw new IllegalStateException("the collector did not subscribe to " + collector.mqttUrl()
                        + " within a minute: the simulated rooms would publish into the void");
            }
            rooms.connectTo(collector.mqttUrl());
            rooms.powerOnAllBut(Set.of());
            long started = System.nanoTime();
            int replayed = 0;
            while (!pending.isEmpty() && !pending.peekFirst().at().toInstant().isAfter(now)) {
                ScenarioAction a = pending.pollFirst();
                rooms.advanceTo(a.at().toInstant());
                rooms.apply(a);
                replayed++;
            }
            rooms.advanceTo(now);
            long recorded = rooms.recordedCount();
            collector.awaitStoredEvents(recorded - rooms.outboxDepths().values().stream().mapToLong(Long::longValue).sum(),
                    Duration.ofMinutes(2));
            out.printf("Replayed %d actions of %d rooms since %s (%d events) in %.1f s.%n", replayed,
                    DemoDistrict.rooms().size(), from.atZone(LOCAL).toLocalDate(), recorded, (System.nanoTime() - started) / 1e9);
            rooms.announceOnline(); // their status times were of the replayed past: now they are of now
            if (influxdb != null) {
                collector.figures().ifPresent(f -> f.runOnce()); // the dashboards' figures at once, not in 5 minutes
            }
            printWeeks(out, collector, now.atZone(LOCAL).toLocalDate());
            printRooms(out, rooms);
            printUrls(out, collector, now.atZone(LOCAL).toLocalDate());
            out.println("District folder (registry, bundles; docs/provisioning.md): " + dir.resolve("district"));
            printPeople(out, passwords, district.registryDir());
            if (replayOnly) {
                return 0;
            }
            out.println("Running live (one simulated device per room, on the real clock). Ctrl-C stops.");
            while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                Instant t = Instant.now();
                while (!pending.isEmpty() && !pending.peekFirst().at().toInstant().isAfter(t)) {
                    ScenarioAction a = pending.pollFirst();
                    rooms.advanceTo(a.at().toInstant());
                    rooms.apply(a);
                }
                rooms.advanceTo(t);
            }
            out.println("Stopping.");
            return 0;
        } finally {
            rooms.close();
            collector.close();
            work.close(); // before the shutdown hook lets the JVM end
            stopped.countDown();
        }
    }

    /** One free loopback port per room for its kiosk, kept for the whole run (a power cut restarts it there). */
    private static Map<String, Integer> freePorts(List<RoomRecord> rooms) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            for (RoomRecord room : rooms) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports.put(room.roomId(), s.getLocalPort());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for a kiosk", e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a listening socket that accepted nothing; nothing to do
                }
            }
        }
        return ports;
    }

    private static StaffSettings demoStaff() {
        PinHash hash = PinHash.of(DEMO_STAFF_PIN, PinHash.DEFAULT_ITERATIONS, new SecureRandom());
        return StaffSettings.NONE.withPins(List.of(new StaffPin("T1", hash), new StaffPin("T2", hash), new StaffPin("T3", hash)));
    }

    private static void printRooms(PrintStream out, SimulatedRooms rooms) {
        out.println("The rooms (each simulated device serves its own kiosk screen; staff PIN " + DEMO_STAFF_PIN
                + " for staff T1, T2, T3):");
        for (RoomRecord r : DemoDistrict.rooms()) {
            out.printf("  %-14s %s %s, %s%n", r.roomId(), r.tier().chineseName(), r.name(), r.county());
            out.println("      kiosk  " + rooms.kioskUri(r.roomId()).map(Object::toString).orElse("(none)"));
            out.println("      " + DemoDistrict.story(r.roomId()));
        }
        out.println();
    }

    private static void printWeeks(PrintStream out, Collector collector, LocalDate today) {
        LocalDate lastMonday = today.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY)).minusWeeks(1);
        List<String> ids = DemoDistrict.rooms().stream().map(r -> r.roomId()).toList();
        List<RoomReport> reports = collector.verdicts().rooms(ids, lastMonday, lastMonday.plusDays(6));
        out.println();
        out.printf("Last week (%s to %s):%n", lastMonday, lastMonday.plusDays(6));
        for (RoomReport r : reports) {
            WeekResult w = r.weeks().get(0);
            long metDays = r.days().stream().filter(d -> d.verdict() == cn.xinan.rules.Verdict.MET).count();
            long schoolDays = r.days().stream().filter(d -> d.schoolDay()).count();
            out.printf("  %-14s %-4s attended %5.1f h of %4.1f h required: %-8s (days met %d of %d)%n",
                    r.room(), r.tier().chineseName(), w.attendedSeconds() / 3600.0, w.requiredSeconds() / 3600.0,
                    w.verdict(), metDays, schoolDays);
        }
        out.println();
    }

    /**
     * One sample account per role with a new random password each run (demo only: a district adds its people with
     * {@code xinan provision people add}), written to the registry folder the collector reads.
     */
    private static Map<DemoDistrict.DemoPerson, String> provisionPeople(Path registryDir) {
        SecureRandom random = new SecureRandom();
        PasswordHasher hasher = new PasswordHasher();
        Map<DemoDistrict.DemoPerson, String> passwords = new LinkedHashMap<>();
        People people = People.empty();
        for (DemoDistrict.DemoPerson p : DemoDistrict.PEOPLE) {
            String password = PasswordHasher.randomPassword(random);
            passwords.put(p, password);
            people = people.add(new Person(p.user(), p.role(), p.scope(), false, hasher.hash(password.toCharArray())));
        }
        people.save(registryDir);
        return passwords;
    }

    private static void printPeople(PrintStream out, Map<DemoDistrict.DemoPerson, String> passwords, Path registryDir) {
        out.println("Sample accounts (demo only, new passwords every run; sign in at the web UI):");
        passwords.forEach((p, password) -> out.printf("  %-13s %-17s %-18s password %s%n", p.role().id(), p.user(),
                p.scope(), password));
        out.println("  The API needs a session or a token (curl -H 'Authorization: Bearer …'): ./xinan provision people token USER -d "
                + registryDir.getParent());
    }

    private static void printUrls(PrintStream out, Collector collector, LocalDate today) {
        String base = "http://127.0.0.1:" + collector.httpPort();
        LocalDate lastMonday = today.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY)).minusWeeks(1);
        out.println("Web UI:   " + base + "/?week=" + lastMonday);
        out.println("Roll-up:  " + base + "/?view=rollup&p=range&from=" + lastMonday + "&to=" + today
                + "   (a room's page: " + base + "/?view=room&room=jm-db-001-r1&p=range&from=" + lastMonday + "&to=" + today + ")");
        out.println("Collector API:");
        out.println("  rooms      " + base + "/api/v1/rooms");
        out.println("  verdicts   " + base + "/api/v1/verdicts?from=" + lastMonday + "&to=" + today);
        out.println("  one room   " + base + "/api/v1/rooms/jm-db-001-r1/verdicts?from=" + lastMonday + "&to=" + today);
        out.println("  ingest     " + base + "/api/v1/ingest");
        out.println("  quarantine " + base + "/api/v1/quarantine");
        out.println("  health     " + base + "/observe/health");
        out.println("  metrics    " + base + "/observe/metrics");
        out.println("MQTT broker (embedded): " + collector.mqttUrl());
        out.println("A kiosk for the sample room " + DemoDistrict.SAMPLE_ROOM.roomId() + ": ./xinan device --simulate --broker "
                + collector.mqttUrl());
    }
}
