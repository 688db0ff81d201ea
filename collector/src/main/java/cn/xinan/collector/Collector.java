package cn.xinan.collector;

import cn.xinan.collector.api.Api;
import cn.xinan.collector.api.ApiContext;
import cn.xinan.collector.broker.EmbeddedBroker;
import cn.xinan.collector.figures.FiguresWriter;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.ingest.IngestPipeline;
import cn.xinan.collector.ingest.IngestStats;
import cn.xinan.collector.ingest.MqttIngest;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.web.WebUi;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RegistryException;
import cn.xinan.rules.calendar.CalendarFileException;
import cn.xinan.rules.calendar.CalendarFiles;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import io.helidon.webserver.WebServer;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole collector: (optionally) the embedded broker, the store, the MQTT ingest and the REST API with
 * health and metrics. The launcher runs it in its own JVM ({@code xinan replay}, {@code xinan demo}) or
 * {@link CollectorMain} runs it from a config file.
 *
 * <pre>
 * try (Collector c = new Collector(CollectorConfig.embedded(dataDir, registryDir, Optional.empty(), 1883, 0)).start()) {
 *     // devices publish ...
 *     c.awaitStoredEvents(recorded, Duration.ofMinutes(1));
 *     List&lt;RoomReport&gt; reports = c.verdicts().rooms(List.of(), from, to);
 * }
 * </pre>
 */
public final class Collector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Collector.class.getName());

    private final CollectorConfig config;
    private final Clock clock;
    private final IngestCounters counters = new IngestCounters();
    private final DeviceStatusBoard board = new DeviceStatusBoard();
    private EmbeddedBroker broker;
    private EventStore store;
    private IngestPipeline pipeline;
    private MqttIngest mqtt;
    private WebServer server;
    private VerdictService verdicts;
    private Registry registry;
    private FiguresWriter figures;

    public Collector(CollectorConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock the collector's clock: receive times and the plausible-time check */
    public Collector(CollectorConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    /**
     * Starts every part in order (broker, registry, calendar, store, ingest, HTTP) and returns when the
     * HTTP server listens and the ingest is subscribed (or, when the broker cannot be reached within
     * {@code mqtt.connect-timeout}, keeps trying in the background; health says so).
     *
     * @throws ConfigException when the registry or calendar cannot be read
     * @throws cn.xinan.collector.store.StoreException when the store cannot be opened
     */
    public synchronized Collector start() {
        if (server != null) {
            throw new IllegalStateException("collector already started");
        }
        LOG.log(System.Logger.Level.INFO, "starting collector with " + config);
        try {
            broker = config.broker().map(EmbeddedBroker::start).orElse(null);
            registry = loadRegistry();
            SchoolCalendars calendars = loadCalendars();
            store = config.store().open();
            verdicts = new VerdictService(store, registry, config.rules(), calendars);
            figures = startFigures();
            pipeline = new IngestPipeline(store, registry, config.ingest(), counters, board);
            mqtt = new MqttIngest(config.mqtt(), pipeline, board, clock);
            mqtt.start();
            ApiContext context = new ApiContext(registry, store, verdicts, counters, board, mqtt::isConnected);
            server = WebServer.builder()
                    .host(config.http().host())
                    .port(config.http().port())
                    .shutdownHook(false)
                    .featuresDiscoverServices(false)
                    .addFeature(Observability.feature(store, mqtt, counters))
                    .routing(routing -> {
                        Api.routing(routing, context);
                        routing.register(Api.PREFIX, cn.xinan.collector.audit.AuditEndpoints.create(config, clock, store, registry, verdicts, calendars));
                        routing.register(new WebUi());
                    })
                    .build()
                    .start();
            LOG.log(System.Logger.Level.INFO, "collector ready: http port " + server.port() + ", "
                    + registry.rooms().size() + " rooms, " + registry.devices().size() + " devices, store "
                    + store.type());
            return this;
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** The derived figures for the dashboards: InfluxDB only, when enabled (docs/collector.md). */
    private FiguresWriter startFigures() {
        if (!config.figures().enabled()) {
            LOG.log(System.Logger.Level.INFO, "derived figures disabled (figures.interval-seconds = 0)");
            return null;
        }
        if (!(store instanceof InfluxEventStore influx)) {
            LOG.log(System.Logger.Level.INFO, "derived figures are written to InfluxDB only; store " + store.type()
                    + " gets none");
            return null;
        }
        return new FiguresWriter(verdicts, registry, new InfluxFigures(influx), config.figures(), clock).start();
    }

    private Registry loadRegistry() {
        try {
            return Registry.load(config.registryDir());
        } catch (RegistryException e) {
            throw new ConfigException("registry.dir " + config.registryDir() + ": " + e.getMessage(), e);
        }
    }

    private SchoolCalendars loadCalendars() {
        try {
            return SchoolCalendars.load(config.calendar());
        } catch (CalendarFileException e) {
            throw new ConfigException("calendar: " + e.getMessage(), e);
        }
    }

    /** The port the REST API listens on (the chosen one when configured as 0). */
    public int httpPort() {
        return running().port();
    }

    /** The broker URL the ingest uses (the embedded broker's, when there is one). */
    public String mqttUrl() {
        return config.mqtt().url();
    }

    /** Whether the ingest is connected to the broker and subscribed. */
    public boolean mqttConnected() {
        return mqtt != null && mqtt.isConnected();
    }

    /**
     * Waits until the ingest is connected and subscribed. Messages published to the shared subscription
     * before its first subscription are dropped by the broker (no session holds them yet): start devices
     * after this returns true.
     */
    public boolean awaitSubscribed(Duration timeout) {
        running();
        return mqtt.awaitSubscribed(timeout);
    }

    /** Distinct events in the store (all of them, not only those this collector received). */
    public long storedEventCount() {
        running();
        return store.eventCount();
    }

    /**
     * Waits until the store holds at least {@code count} distinct events and every message received so
     * far is acknowledged (so nothing is half-done); a replay calls it with the number of events its
     * devices recorded.
     *
     * @return whether that happened before the timeout
     */
    public boolean awaitStoredEvents(long count, Duration timeout) throws InterruptedException {
        running();
        return pipeline.awaitProgress(() -> counters.snapshot().pending() == 0 && store.eventCount() >= count, timeout);
    }

    public IngestStats ingestStats() {
        return counters.snapshot();
    }

    /** Verdicts computed from the stored events (the same as the HTTP API serves). */
    public VerdictService verdicts() {
        running();
        return verdicts;
    }

    /** The derived-figures writer, when it runs (InfluxDB store, figures enabled). */
    public Optional<FiguresWriter> figures() {
        running();
        return Optional.ofNullable(figures);
    }

    public Registry registry() {
        running();
        return registry;
    }

    public EventStore store() {
        running();
        return store;
    }

    public CollectorConfig config() {
        return config;
    }

    private WebServer running() {
        if (server == null) {
            throw new IllegalStateException("collector is not started");
        }
        return server;
    }

    /**
     * Stops in reverse order: HTTP, ingest (the batch being stored finishes and is acknowledged; what is
     * still queued stays unacknowledged at the broker for the next start), store, broker.
     */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
        }
        if (mqtt != null) {
            mqtt.close();
            mqtt = null;
        }
        if (figures != null) {
            figures.close();
            figures = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
