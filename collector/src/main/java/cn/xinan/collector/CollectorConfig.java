package cn.xinan.collector;

import cn.xinan.collector.access.AccessSettings;
import cn.xinan.collector.broker.BrokerAccessFiles;
import cn.xinan.collector.broker.BrokerSettings;
import cn.xinan.collector.figures.FiguresSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.rollup.Targets;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.warnings.WarningSettings;
import cn.xinan.rules.RuleSettings;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a collector needs, validated once. Built in code (by the launcher for {@code xinan replay}
 * and {@code xinan demo}) or read from a YAML file ({@code xinan collector --config FILE}); the keys are in
 * docs/collector.md and {@code src/main/config/collector.yaml}.
 *
 * @param http         where the REST API listens
 * @param registryDir  folder with {@code rooms.csv} and {@code devices.csv} (the provisioning registry)
 * @param calendar     the national, bureau and per-school calendar files ({@link CalendarSources})
 * @param rules        the rule settings the verdicts are computed with
 * @param mqtt         the broker connection
 * @param store        the event store
 * @param ingest       checks and batching of the ingest pipeline
 * @param broker       an embedded broker to start first, or empty to use an external one
 * @param figures      the derived figures written for the dashboards (InfluxDB store only)
 * @param access       people files, sessions, sign-in limits and the audit log (docs/security.md)
 * @param warnings     the warnings to school staff (docs/warnings.md), or empty when off
 * @param audit        the audit's PDF font and late-event delay (docs/audit.md)
 * @param targets      the action plan's targets the roll-ups are measured against ({@code targets.*})
 */
public record CollectorConfig(HttpSettings http, Path registryDir, CalendarSources calendar, RuleSettings rules,
                              MqttSettings mqtt, StoreSettings store, IngestSettings ingest,
                              Optional<BrokerSettings> broker, FiguresSettings figures, AccessSettings access,
                              Optional<WarningSettings> warnings, cn.xinan.collector.audit.AuditSettings audit,
                              Targets targets) {
    public CollectorConfig {
        Objects.requireNonNull(http, "http is missing");
        Objects.requireNonNull(registryDir, "registry.dir is missing");
        Objects.requireNonNull(calendar, "calendar is missing");
        Objects.requireNonNull(rules, "rules are missing");
        Objects.requireNonNull(mqtt, "mqtt is missing");
        Objects.requireNonNull(store, "store is missing");
        Objects.requireNonNull(ingest, "ingest is missing");
        Objects.requireNonNull(broker, "broker is missing (use Optional.empty())");
        Objects.requireNonNull(figures, "figures are missing");
        Objects.requireNonNull(access, "access is missing");
        Objects.requireNonNull(warnings, "warnings are missing (use Optional.empty())");
        Objects.requireNonNull(audit, "audit settings are missing");
        Objects.requireNonNull(targets, "targets are missing (use Targets.DEFAULTS)");
    }

    /** With the audit's default settings ({@link cn.xinan.collector.audit.AuditSettings#defaults()}) and the plan's default targets ({@link Targets#DEFAULTS}). */
    public CollectorConfig(HttpSettings http, Path registryDir, CalendarSources calendar, RuleSettings rules,
                           MqttSettings mqtt, StoreSettings store, IngestSettings ingest,
                           Optional<BrokerSettings> broker, FiguresSettings figures, AccessSettings access,
                           Optional<WarningSettings> warnings) {
        this(http, registryDir, calendar, rules, mqtt, store, ingest, broker, figures, access, warnings,
                cn.xinan.collector.audit.AuditSettings.defaults(), Targets.DEFAULTS);
    }

    public CollectorConfig withAudit(cn.xinan.collector.audit.AuditSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, store, ingest, broker, figures, access,
                warnings, settings, targets);
    }

    public CollectorConfig withTargets(Targets settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, store, ingest, broker, figures, access,
                warnings, audit, settings);
    }

    /** What the audit's exceptions are found with: the warnings' opening hours and silence, and {@code audit.*}. */
    public cn.xinan.collector.audit.AuditSettings.ExceptionSettings auditExceptions() {
        return audit.exceptions(warnings);
    }

    /** With the people files and the audit log in the registry folder ({@link AccessSettings#in}), no warnings. */
    public CollectorConfig(HttpSettings http, Path registryDir, CalendarSources calendar, RuleSettings rules,
                           MqttSettings mqtt, StoreSettings store, IngestSettings ingest,
                           Optional<BrokerSettings> broker, FiguresSettings figures) {
        this(http, registryDir, calendar, rules, mqtt, store, ingest, broker, figures, AccessSettings.in(registryDir),
                Optional.empty());
    }

    public CollectorConfig withWarnings(Optional<WarningSettings> settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, store, ingest, broker, figures, access,
                settings, audit, targets);
    }

    public CollectorConfig withAccess(AccessSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, store, ingest, broker, figures, settings,
                warnings, audit, targets);
    }

    /** With the default figures settings ({@link FiguresSettings#defaults()}). */
    public CollectorConfig(HttpSettings http, Path registryDir, CalendarSources calendar, RuleSettings rules,
                           MqttSettings mqtt, StoreSettings store, IngestSettings ingest,
                           Optional<BrokerSettings> broker) {
        this(http, registryDir, calendar, rules, mqtt, store, ingest, broker, FiguresSettings.defaults());
    }

    /**
     * The one-command set-up: an embedded broker on {@code brokerPort} (loopback) with its configuration in
     * {@code dataDir/broker} and its sessions and messages in memory, the SQLite store {@code dataDir/events.db}, default rules and checks, the
     * bundled calendar unless one is given.
     *
     * @param httpPort 0 for any free port
     */
    public static CollectorConfig embedded(Path dataDir, Path registryDir, Optional<Path> calendarFile, int brokerPort,
                                           int httpPort) {
        // in memory: the demo and the replay start afresh each time, and the demo may run for days
        BrokerSettings broker = new BrokerSettings("127.0.0.1", brokerPort, dataDir.resolve("broker"),
                BrokerSettings.Persistence.IN_MEMORY);
        return new CollectorConfig(new HttpSettings("127.0.0.1", httpPort), registryDir, CalendarSources.bureau(calendarFile),
                RuleSettings.defaults(), MqttSettings.anonymous(broker.url()).alone(),
                new StoreSettings.Sqlite(dataDir.resolve("events.db")), IngestSettings.defaults(), Optional.of(broker));
    }

    /**
     * The embedded broker enforcing a Mosquitto password file and ACL, and this collector connecting to it with its
     * own account ({@code user} must be a collector account of those files).
     */
    public CollectorConfig withEmbeddedBrokerAccess(BrokerAccessFiles files, String user, String password) {
        BrokerSettings b = broker.orElseThrow(() -> new IllegalStateException("no embedded broker is configured"));
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt.withCredentials(user, password), store, ingest,
                Optional.of(b.withAccess(files)), figures, access, warnings, audit, targets);
    }

    public CollectorConfig withMqtt(MqttSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, settings, store, ingest, broker, figures,
                access, warnings, audit, targets);
    }

    public CollectorConfig withIngest(IngestSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, store, settings, broker, figures,
                access, warnings, audit, targets);
    }

    public CollectorConfig withStore(StoreSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, settings, ingest, broker, figures,
                access, warnings, audit, targets);
    }

    public CollectorConfig withRules(RuleSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, settings, mqtt, store, ingest, broker, figures,
                access, warnings, audit, targets);
    }

    public CollectorConfig withFigures(FiguresSettings settings) {
        return new CollectorConfig(http, registryDir, calendar, rules, mqtt, store, ingest, broker, settings,
                access, warnings, audit, targets);
    }

    /** The effective configuration for the log: every value, passwords masked. */
    @Override
    public String toString() {
        return "CollectorConfig[http=" + http + ", registryDir=" + registryDir + ", calendar=" + calendar
                + ", rules=" + rules + ", mqtt=" + mqtt
                + ", store=" + store + ", ingest=" + ingest + ", broker=" + broker.map(Object::toString).orElse("(external)")
                + ", figures=" + figures + ", access=" + access + ", warnings=" + warnings.map(Object::toString).orElse("(off)")
                + ", audit=" + audit + ", targets=" + targets + "]";
    }
}
