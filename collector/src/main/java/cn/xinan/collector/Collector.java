package cn.xinan.collector;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.api.Api;
import cn.xinan.collector.api.ApiContext;
import cn.xinan.collector.broker.EmbeddedBroker;
import cn.xinan.collector.figures.FiguresWriter;
import cn.xinan.collector.ingest.AckSettings;
import cn.xinan.collector.ingest.AckTracker;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.ingest.IngestPipeline;
import cn.xinan.collector.ingest.IngestStats;
import cn.xinan.collector.ingest.MqttIngest;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.SharedState;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.store.influx.InfluxSharedState;
import cn.xinan.collector.store.sqlite.SqliteSharedState;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.collector.warnings.DeviceReport;
import cn.xinan.collector.warnings.Lease;
import cn.xinan.collector.warnings.WarningBook;
import cn.xinan.collector.warnings.WarningService;
import cn.xinan.collector.warnings.WarningSettings;
import cn.xinan.collector.warnings.WarningsApi;
import cn.xinan.collector.warnings.WebhookSender;
import cn.xinan.collector.web.WebUi;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RegistryException;
import cn.xinan.rules.RulesEngine;
import cn.xinan.provisioning.people.PeopleException;
import cn.xinan.rules.calendar.CalendarFileException;
import cn.xinan.rules.calendar.CalendarFiles;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import io.helidon.webserver.WebServer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
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
    private final AckSettings ackSettings;
    private DeviceStatusBoard board;
    private AckTracker acks;
    private EmbeddedBroker broker;
    // read by the ack sink on the storing thread
    private EventStore store;
    private IngestPipeline pipeline;
    private volatile MqttIngest mqtt;
    private WebServer server;
    private VerdictService verdicts;
    private Registry registry;
    private FiguresWriter figures;
    private WarningService warnings;
    /** The store's shared state the warnings are kept in (docs/warnings.md), when they are on. */
    private SharedState warningState;
    private Access access;
    private DerivedResults derived;
    /** Deletes the evidence segments past their retention, once a day. */
    private PeriodicTask evidenceRetention;
    /** How often the days changed by appends are recomputed (and, before any read, at once). */
    static final java.time.Duration DERIVE_INTERVAL = java.time.Duration.ofSeconds(2);

    public Collector(CollectorConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock the collector's clock: receive times and the plausible-time check */
    public Collector(CollectorConfig config, Clock clock) {
        this(config, clock, config.ingest().ack());
    }

    /** @param ackSettings when a gap in a device's stored sequence is asked for again, when health says stalled */
    public Collector(CollectorConfig config, Clock clock, AckSettings ackSettings) {
        this.config = Objects.requireNonNull(config, "config is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.ackSettings = Objects.requireNonNull(ackSettings, "ack settings are missing");
    }

    /**
     * Starts every part in order (broker, registry, calendar, store, ingest, HTTP) and returns when the
     * HTTP server listens and the ingest is subscribed (or, when the broker cannot be reached within
     * {@code mqtt.connect-timeout}, keeps trying in the background; health says so).
     *
     * @throws ConfigException when the registry, the people files or the calendar cannot be read
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
            derived = startDerived();
            evidenceRetention = startEvidenceRetention();
            verdicts = new VerdictService(derived, registry, calendars);
            figures = startFigures();
            warnings = startWarnings();
            board = new DeviceStatusBoard(registry, clock);
            acks = new AckTracker(store, new AckTracker.Sink() {
                @Override
                public void acknowledge(cn.xinan.wire.Acknowledgement ack) {
                    MqttIngest m = mqtt;
                    if (m != null) {
                        m.acknowledge(ack);
                    }
                }

                @Override
                public void requestResend(cn.xinan.wire.ResendRequest request) {
                    MqttIngest m = mqtt;
                    if (m != null) {
                        m.requestResend(request);
                    }
                }
            }, ackSettings, clock);
            pipeline = new IngestPipeline(store, registry, config.ingest(), counters, board, acks,
                    ackSettings.gapTimeout().dividedBy(3));
            mqtt = new MqttIngest(config.mqtt(), pipeline, board, clock);
            mqtt.start();
            access = loadAccess();
            ApiContext context = new ApiContext(registry, store, verdicts, counters, board, mqtt::isConnected, access,
                    acks::progress);
            server = WebServer.builder()
                    .host(config.http().host())
                    .port(config.http().port())
                    .shutdownHook(false)
                    // answers go out at once: with Nagle's algorithm a small answer's last segment waited for the
                    // client's delayed ACK, ~40 ms a request (docs/benchmarks.md, "City")
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .featuresDiscoverServices(false)
                    .addFeature(Observability.feature(store, mqtt, counters, acks))
                    .routing(routing -> {
                        Api.routing(routing, context);
                        routing.register(Api.PREFIX, new WarningsApi(() -> Optional.ofNullable(warnings),
                                req -> java.util.Set.copyOf(access.scope(req).roomIds())));
                        routing.register(Api.PREFIX, cn.xinan.collector.audit.AuditEndpoints.create(config, clock, store,
                                registry, verdicts, calendars, access));
                        routing.register(Api.PREFIX, new cn.xinan.collector.api.RollupService(verdicts, access,
                                config.targets(), clock));
                        routing.register(Api.PREFIX, new cn.xinan.collector.api.RoomDetailService(verdicts, store, board,
                                access, clock, new cn.xinan.collector.audit.AuditService(store, registry, verdicts,
                                calendars, clock, config.auditExceptions())));
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

    /**
     * Day summaries kept up to date beside the events (docs/scale.md): recomputed every
     * {@link #DERIVE_INTERVAL} on their own thread, after a reconciliation of the figures' period (the weeks a
     * collector that stopped before deriving what it stored may have left behind).
     */
    private DerivedResults startDerived() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), cn.xinan.rules.RulesEngine.ZONE);
        LocalDate from = cn.xinan.rules.WeekResult.mondayOf(today).minusWeeks(config.figures().weeksBack());
        // each day rebuilt from its raw events gets its evidence segment, ready for the bundles (docs/audit.md)
        java.nio.file.Path evidence = config.audit().evidenceDir(
                cn.xinan.collector.audit.CollectorKey.defaultFile(config));
        return new DerivedResults(store, config.rules())
                .onRebuiltDay((room, day, events) -> cn.xinan.collector.audit.EvidenceSegment.of(room, day, events)
                        .write(evidence))
                .start(DERIVE_INTERVAL, from, today.plusDays(1));
    }

    /**
     * The evidence segments kept for {@code audit.evidence-retention-days} (docs/audit.md, "Evidence segments"): the
     * older days' deleted at the start and then once a day, on their own thread.
     */
    private PeriodicTask startEvidenceRetention() {
        java.nio.file.Path evidence = config.audit().evidenceDir(
                cn.xinan.collector.audit.CollectorKey.defaultFile(config));
        int days = config.audit().evidenceRetentionDays();
        Runnable prune = () -> {
            LocalDate before = LocalDate.ofInstant(clock.instant(), cn.xinan.rules.RulesEngine.ZONE).minusDays(days);
            try {
                int deleted = cn.xinan.collector.audit.EvidenceSegment.prune(evidence, before);
                LOG.log(System.Logger.Level.INFO, () -> "evidence segments before " + before + " deleted: " + deleted);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "evidence segments before " + before + " not deleted (retried "
                        + "tomorrow): " + e.getMessage(), e);
            }
        };
        return PeriodicTask.start("xinan-evidence-retention", prune, prune, java.time.Duration.ofDays(1),
                java.time.Duration.ofDays(1));
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

    /**
     * The warnings to school staff, when {@code warnings.enabled} (docs/warnings.md): on their own thread, reading
     * the verdicts and the devices' last signs of life; a dead webhook never touches ingest.
     */
    private WarningService startWarnings() {
        if (config.warnings().isEmpty()) {
            return null;
        }
        WarningSettings settings = config.warnings().get();
        warningState = switch (config.store()) {
            case StoreSettings.Sqlite sqlite -> SqliteSharedState.open(sqlite.path());
            case StoreSettings.Influx influx -> new InfluxSharedState((InfluxEventStore) store);
        };
        WarningBook book = WarningBook.in(warningState);
        // one lease length is three evaluation rounds: a replica that stops renewing is taken over within it
        Lease lease = new Lease(warningState, "warnings", "collector-" + java.util.UUID.randomUUID().toString()
                .substring(0, 8), clock, settings.evaluateEvery().multipliedBy(3));
        WarningService.SignsOfLife signs = roomId -> registry.devicesOfRoom(roomId).stream()
                .map(d -> board.state(d.deviceId()).map(DeviceStatusBoard.DeviceState::lastEventReceivedAt))
                .flatMap(Optional::stream).filter(Objects::nonNull).max(Instant::compareTo);
        LOG.log(System.Logger.Level.INFO, "warnings on: " + settings.targets().size() + " targets, evaluated every "
                + settings.evaluateEvery().toSeconds() + " s");
        WarningService.DeviceHealths healths = roomId -> registry.devicesOfRoom(roomId).stream()
                .flatMap(d -> board.state(d.deviceId()).stream()
                        .filter(st -> st.health() != null)
                        .map(st -> new DeviceReport(d.deviceId(), Boolean.TRUE.equals(st.online()), st.health(),
                                st.healthReceivedAt(), st.recentDepths())))
                .toList();
        return new WarningService(settings, new RulesEngine(config.rules()), registry, verdicts::room, signs, healths,
                book, new WebhookSender(clock), clock, lease).start();
    }

    /** The warning service, when warnings are on. */
    public Optional<WarningService> warnings() {
        running();
        return Optional.ofNullable(warnings);
    }

    private Registry loadRegistry() {
        try {
            return Registry.load(config.registryDir());
        } catch (RegistryException e) {
            throw new ConfigException("registry.dir " + config.registryDir() + ": " + e.getMessage(), e);
        }
    }

    private Access loadAccess() {
        try {
            return new Access(config.access(), registry, clock);
        } catch (PeopleException e) {
            throw new ConfigException("access.dir " + config.access().dir() + ": " + e.getMessage(), e);
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

    /**
     * A bearer token for callers in this JVM (the launcher's replay and demo): a city-wide read-only inspector,
     * new at every start and never written anywhere (docs/security.md).
     */
    public String internalToken() {
        running();
        return access.internalToken();
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

    /** Each device's acknowledged sequence and gaps, as this collector last computed them from the store. */
    public java.util.List<AckTracker.DeviceProgress> acknowledgements() {
        running();
        return acks.progress();
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
        if (warnings != null) {
            warnings.close();
            warnings = null;
        }
        if (warningState != null) {
            warningState.close();
            warningState = null;
        }
        if (evidenceRetention != null) {
            evidenceRetention.close();
            evidenceRetention = null;
        }
        if (derived != null) {
            derived.close();
            derived = null;
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
