package cn.xinan.launcher.replay;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.wire.Ed25519Keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a scenario through the real firmware, the real MQTT path and the real collector
 * (acceptance README): provisions one simulated device per room, starts a broker (embedded unless
 * an external one is given) and a collector (embedded store unless InfluxDB is given), drives every
 * device on one simulated clock through the actions, delivers everything still buffered, waits
 * until the collector has stored every recorded event, and fetches the verdicts from the collector's
 * HTTP API. Wall-clock time plays no part in the result.
 *
 * <pre>
 * ScenarioReplay.Result r = new ScenarioReplay(options).run();   // r.json() is RESULT.json
 * </pre>
 */
public final class ScenarioReplay {
    /** How long the collector may take to store what the devices recorded, after the last action. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(5);
    /** How long the collector may take to connect and subscribe before the devices start. */
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger(ScenarioReplay.class.getName());

    /**
     * @param rooms      the rooms (ROOMS.csv)
     * @param scenario   the actions
     * @param calendar   a CALENDAR.json, or empty for the bundled default
     * @param workDir    where the registry, the outboxes and the embedded store and broker keep their files
     * @param brokerUrl  an external broker (Mosquitto) instead of the embedded one
     * @param influx     an InfluxDB store instead of the embedded one
     * @param rules      the rule settings
     */
    public record Options(List<RoomRecord> rooms, Scenario scenario, Optional<Path> calendar, Path workDir,
                          Optional<String> brokerUrl, Optional<StoreSettings.Influx> influx, RuleSettings rules) {
    }

    /** The RESULT.json document and what the run did. */
    public record Result(String json, long eventsRecorded, long eventsStored, Duration elapsed) {
    }

    private final Options options;
    private Collector collector;

    public ScenarioReplay(Options options) {
        this.options = options;
    }

    public Result run() throws InterruptedException {
        return run((collector, scenario) -> {
        });
    }

    /** What to do with the collector once every event is stored, before it stops (e.g. replay the warnings). */
    @FunctionalInterface
    public interface AfterReplay {
        void accept(Collector collector, Scenario scenario) throws java.io.IOException;
    }

    /** As {@link #run()}, then {@code after} while the collector still holds every event. */
    public Result run(AfterReplay after) throws InterruptedException {
        long started = System.nanoTime();
        Path registryDir = options.workDir().resolve("registry");
        Scenario scenario = options.scenario();
        SimulatedRooms rooms = SimulatedRooms.provision(options.rooms(), registryDir, options.workDir(),
                new SimulatedClock(scenario.start()));
        collector = new Collector(collectorConfig(registryDir, rooms.brokerAccounts())).start();
        try {
            if (!collector.awaitSubscribed(SUBSCRIBE_TIMEOUT)) {
                throw new IllegalStateException("the collector did not subscribe to " + collector.mqttUrl() + " within "
                        + SUBSCRIBE_TIMEOUT + ": no device may publish before, or its events would be dropped");
            }
            rooms.connectTo(options.brokerUrl().orElseGet(collector::mqttUrl));
            rooms.powerOnAllBut(scenario.roomsStartingWithPowerOn());
            for (ScenarioAction action : scenario.actions()) {
                rooms.advanceTo(action.at().toInstant());
                rooms.apply(action);
            }
            rooms.advanceTo(scenario.end());
            long recorded = rooms.deliverEverything(DELIVERY_TIMEOUT);
            if (!collector.awaitStoredEvents(recorded, DELIVERY_TIMEOUT)) {
                throw new IllegalStateException("the collector stored " + collector.storedEventCount() + " of "
                        + recorded + " recorded events within " + DELIVERY_TIMEOUT + "; ingest: " + collector.ingestStats());
            }
            String json = fetchVerdicts(scenario.firstDate(), scenario.lastDate());
            try {
                after.accept(collector, scenario);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
            return new Result(json, recorded, collector.storedEventCount(), Duration.ofNanos(System.nanoTime() - started));
        } finally {
            rooms.close();
            collector.close();
        }
    }

    private CollectorConfig collectorConfig(Path registryDir, SimulatedBrokerAccounts accounts) {
        Path dataDir = options.workDir().resolve("collector");
        CollectorConfig config = options.brokerUrl()
                .map(url -> new CollectorConfig(new HttpSettings("127.0.0.1", 0), registryDir,
                        CalendarSources.bureau(options.calendar()),
                        options.rules(), MqttSettings.anonymous(url), new StoreSettings.Sqlite(dataDir.resolve("events.db")),
                        IngestSettings.defaults(), Optional.empty()))
                .orElseGet(() -> CollectorConfig.embedded(dataDir, registryDir, options.calendar(), freePort(), 0)
                        .withEmbeddedBrokerAccess(accounts.files(), accounts.collectorUser(), accounts.collectorPassword())
                        .withRules(options.rules()));
        return options.influx().<CollectorConfig>map(config::withStore).orElse(config);
    }

    private String fetchVerdicts(LocalDate from, LocalDate to) throws InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + collector.httpPort() + "/api/v1/verdicts?from=" + from + "&to=" + to);
        try (HttpClient http = HttpClient.newHttpClient()) {
            // the collector's internal token: a read-only city-wide caller that exists only inside this JVM
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + collector.internalToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + res.statusCode() + ": " + res.body());
            }
            return res.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
