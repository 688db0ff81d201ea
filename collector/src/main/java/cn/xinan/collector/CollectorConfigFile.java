package cn.xinan.collector;

import cn.xinan.collector.access.AccessSettings;
import cn.xinan.collector.broker.BrokerAccessFiles;
import cn.xinan.collector.broker.BrokerSettings;
import cn.xinan.collector.broker.BrokerTls;
import cn.xinan.collector.figures.FiguresSettings;
import cn.xinan.collector.ingest.AckSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.ingest.QuarantineSettings;
import cn.xinan.collector.rollup.Targets;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.warnings.WarningSettingsFile;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekPolicy;
import cn.xinan.wire.Topics;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@link CollectorConfig} from a YAML file (Helidon Config). Every key is documented in
 * docs/collector.md; an unknown key, a missing required key or a bad value fails with the file and the key,
 * so a typo never silently falls back to a default. Relative paths are resolved against the file's folder.
 */
public final class CollectorConfigFile {
    private static final Set<String> KEYS = Set.of(
            "http.host", "http.port",
            "registry.dir", "calendar.file", "calendar.national-dir", "calendar.schools-dir",
            "rules.version", "rules.week-policy", "rules.unattended-gap-seconds", "rules.daily-seconds",
            "rules.weekly-seconds",
            "rules.tiers.qualified.daily-seconds", "rules.tiers.qualified.weekly-seconds",
            "rules.tiers.demonstration.daily-seconds", "rules.tiers.demonstration.weekly-seconds",
            "rules.tiers.unrated.daily-seconds", "rules.tiers.unrated.weekly-seconds",
            "mqtt.url", "mqtt.username", "mqtt.password", "mqtt.client-id", "mqtt.shared-group",
            "mqtt.session-expiry-seconds", "mqtt.receive-maximum", "mqtt.connect-timeout-seconds", "mqtt.ca-file",
            "store.type", "store.sqlite.path",
            "store.influxdb.url", "store.influxdb.database", "store.influxdb.retention-policy",
            "store.influxdb.retention-duration", "store.influxdb.derived-retention-policy",
            "store.influxdb.derived-retention-duration", "store.influxdb.username", "store.influxdb.password",
            "ingest.max-future-skew-seconds", "ingest.earliest-plausible", "ingest.max-batch-messages",
            "ingest.verify-threads",
            "broker.enabled", "broker.host", "broker.port", "broker.data-dir", "broker.password-file", "broker.acl-file",
            "broker.tls-port", "broker.tls-cert", "broker.tls-key",
            "quarantine.max-messages", "quarantine.retention-days", "quarantine.per-source-per-minute",
            "figures.interval-seconds", "figures.weeks-back",
            "access.dir", "access.audit-log", "access.session-idle-minutes", "access.session-max-hours",
            "access.secure-cookie", "access.max-failures", "access.lockout-minutes", "access.sign-ins-per-minute",
            "ack.gap-timeout-seconds", "ack.stall-seconds",
            "audit.pdf-font", "audit.late-after-minutes", "audit.evidence-dir", "audit.evidence-retention-days",
            "targets.qualified-percent", "targets.demonstration-percent", "targets.by-year");

    private final Path file;
    private final Path base;
    private final Config config;

    private CollectorConfigFile(Path file, Config config) {
        this.file = file;
        this.base = file.toAbsolutePath().getParent();
        this.config = config;
    }

    /** @throws ConfigException naming the file and the key of the first problem */
    public static CollectorConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such configuration file");
        }
        Config config;
        try {
            config = Config.builder()
                    .sources(ConfigSources.file(file))
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .build();
            config.traverse().count(); // parse now, so a syntax error is reported here
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": not readable YAML: " + e.getMessage(), e);
        }
        return new CollectorConfigFile(file, config).parse();
    }

    private CollectorConfig parse() {
        Set<String> unknown = new TreeSet<>();
        config.traverse().filter(Config::isLeaf).map(c -> c.key().toString())
                .filter(k -> !KEYS.contains(k) && !k.startsWith("warnings.")) // checked by WarningSettingsFile
                .forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new ConfigException(file + ": unknown key " + String.join(", ", unknown));
        }
        try {
            HttpSettings http = new HttpSettings(string("http.host", "0.0.0.0"), integer("http.port", 8080));
            Path registry = path(required("registry.dir"));
            CalendarSources calendar = new CalendarSources(optional("calendar.file").map(this::path),
                    optional("calendar.national-dir").map(this::path), optional("calendar.schools-dir").map(this::path));
            Optional<BrokerSettings> broker = Optional.empty();
            if (bool("broker.enabled", false)) {
                Optional<String> passwd = optional("broker.password-file");
                Optional<String> aclFile = optional("broker.acl-file");
                if (passwd.isPresent() != aclFile.isPresent()) {
                    throw new IllegalArgumentException("broker.password-file and broker.acl-file go together: "
                            + (passwd.isPresent() ? "broker.acl-file" : "broker.password-file") + " is missing");
                }
                broker = Optional.of(new BrokerSettings(string("broker.host", "127.0.0.1"), integer("broker.port", 1883),
                        path(required("broker.data-dir")), BrokerSettings.Persistence.FILE,
                        passwd.map(p -> new BrokerAccessFiles(path(p), path(aclFile.get()))), brokerTls()));
            }
            String defaultUrl = broker.map(BrokerSettings::url).orElse(null);
            MqttSettings mqtt = new MqttSettings(
                    defaultUrl == null ? required("mqtt.url") : string("mqtt.url", defaultUrl),
                    optional("mqtt.username").orElse(null), optional("mqtt.password").orElse(null),
                    string("mqtt.client-id", optional("mqtt.username").orElse("xinan-collector")),
                    string("mqtt.shared-group", Topics.SHARED_GROUP),
                    Duration.ofSeconds(integer("mqtt.session-expiry-seconds", 7 * 24 * 3600)),
                    integer("mqtt.receive-maximum", 2_000),
                    Duration.ofSeconds(integer("mqtt.connect-timeout-seconds", 10)),
                    optional("mqtt.ca-file").map(this::path).orElse(null));
            if (broker.isPresent() && optional("mqtt.shared-group").isEmpty()) {
                // the embedded broker's collector is alone: a plain subscription (MqttSettings#alone)
                mqtt = mqtt.alone();
            }
            FiguresSettings figures = new FiguresSettings(
                    integer("figures.interval-seconds", FiguresSettings.DEFAULT_INTERVAL_SECONDS),
                    integer("figures.weeks-back", FiguresSettings.DEFAULT_WEEKS_BACK));
            return new CollectorConfig(http, registry, calendar, rules(), mqtt, store(), ingest(), broker, figures,
                    access(registry), WarningSettingsFile.read(config.get("warnings")),
                    new cn.xinan.collector.audit.AuditSettings(optional("audit.pdf-font").map(this::path),
                            java.time.Duration.ofMinutes(integer("audit.late-after-minutes",
                                    (int) cn.xinan.collector.audit.AuditSettings.DEFAULT_LATE_AFTER.toMinutes())),
                            optional("audit.evidence-dir").map(this::path),
                            integer("audit.evidence-retention-days",
                                    cn.xinan.collector.audit.AuditSettings.DEFAULT_EVIDENCE_RETENTION_DAYS)),
                    targets());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code broker.tls-port}, {@code broker.tls-cert} and {@code broker.tls-key} go together. */
    private Optional<BrokerTls> brokerTls() {
        List<String> keys = List.of("broker.tls-port", "broker.tls-cert", "broker.tls-key");
        List<String> given = keys.stream().filter(k -> optional(k).isPresent()).toList();
        if (given.isEmpty()) {
            return Optional.empty();
        }
        if (given.size() < keys.size()) {
            throw new IllegalArgumentException("broker.tls-port, broker.tls-cert and broker.tls-key go together: "
                    + String.join(", ", keys.stream().filter(k -> !given.contains(k)).toList()) + " missing");
        }
        return Optional.of(BrokerTls.read(integer("broker.tls-port", 0), path(required("broker.tls-cert")),
                path(required("broker.tls-key"))));
    }

    private RuleSettings rules() {
        RuleSettings rules = RuleSettings.defaults();
        Optional<String> version = optional("rules.version");
        if (version.isPresent()) {
            rules = rules.withRuleVersion(version.get());
        }
        Optional<String> policy = optional("rules.week-policy");
        if (policy.isPresent()) {
            try {
                rules = rules.withWeekPolicy(WeekPolicy.parse(policy.get()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rules.week-policy: " + e.getMessage());
            }
        }
        rules = rules.withUnattendedGapSeconds(integer("rules.unattended-gap-seconds", (int) rules.unattendedGapSeconds()));
        Thresholds all = new Thresholds(integer("rules.daily-seconds", (int) Thresholds.DEFAULT.dailySeconds()),
                integer("rules.weekly-seconds", (int) Thresholds.DEFAULT.weeklySeconds()));
        rules = rules.withThresholdsForAllTiers(all);
        for (Tier tier : Tier.values()) {
            String prefix = "rules.tiers." + tier.englishName() + ".";
            rules = rules.withThresholds(tier, new Thresholds(integer(prefix + "daily-seconds", (int) all.dailySeconds()),
                    integer(prefix + "weekly-seconds", (int) all.weeklySeconds())));
        }
        return rules;
    }

    private Targets targets() {
        return new Targets(integer("targets.qualified-percent", Targets.DEFAULTS.qualifiedPercent()),
                integer("targets.demonstration-percent", Targets.DEFAULTS.demonstrationPercent()),
                integer("targets.by-year", Targets.DEFAULTS.byYear()));
    }

    private AccessSettings access(Path registry) {
        Path dir = optional("access.dir").map(this::path).orElse(registry);
        return new AccessSettings(dir, optional("access.audit-log").map(this::path).orElse(dir.resolve("audit.jsonl")),
                Duration.ofMinutes(integer("access.session-idle-minutes", (int) AccessSettings.DEFAULT_IDLE.toMinutes())),
                Duration.ofHours(integer("access.session-max-hours", (int) AccessSettings.DEFAULT_MAX.toHours())),
                bool("access.secure-cookie", false),
                integer("access.max-failures", AccessSettings.DEFAULT_MAX_FAILURES),
                Duration.ofMinutes(integer("access.lockout-minutes", (int) AccessSettings.DEFAULT_LOCKOUT.toMinutes())),
                integer("access.sign-ins-per-minute", AccessSettings.DEFAULT_SIGN_INS_PER_MINUTE));
    }

    private StoreSettings store() {
        String type = string("store.type", "sqlite");
        return switch (type) {
            case "sqlite" -> new StoreSettings.Sqlite(path(string("store.sqlite.path", "events.db")));
            case "influxdb" -> {
                String rp = string("store.influxdb.retention-policy", "xinan");
                yield new StoreSettings.Influx(required("store.influxdb.url"), string("store.influxdb.database", "xinan"),
                        rp, string("store.influxdb.retention-duration", StoreSettings.Influx.DEFAULT_RETENTION_DURATION),
                        string("store.influxdb.derived-retention-policy", rp + StoreSettings.Influx.DERIVED_SUFFIX),
                        string("store.influxdb.derived-retention-duration", "INF"),
                        optional("store.influxdb.username").orElse(null), optional("store.influxdb.password").orElse(null));
            }
            default -> throw new IllegalArgumentException("store.type '" + type + "' must be sqlite or influxdb");
        };
    }

    private IngestSettings ingest() {
        IngestSettings d = IngestSettings.defaults();
        Instant earliest;
        String earliestText = string("ingest.earliest-plausible", d.earliestPlausible().toString());
        try {
            earliest = Instant.parse(earliestText);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("ingest.earliest-plausible '" + earliestText
                    + "' must be an ISO-8601 UTC instant in quotes, such as \"2020-01-01T00:00:00Z\"");
        }
        return new IngestSettings(Duration.ofSeconds(integer("ingest.max-future-skew-seconds",
                (int) d.maxFutureSkew().toSeconds())), earliest, integer("ingest.max-batch-messages", d.maxBatchMessages()),
                integer("ingest.verify-threads", d.verifyThreads()), quarantine(), ack());
    }

    private AckSettings ack() {
        AckSettings d = AckSettings.DEFAULTS;
        return new AckSettings(Duration.ofSeconds(integer("ack.gap-timeout-seconds", (int) d.gapTimeout().toSeconds())),
                Duration.ofSeconds(integer("ack.stall-seconds", (int) d.stallAfter().toSeconds())));
    }

    private QuarantineSettings quarantine() {
        QuarantineSettings d = QuarantineSettings.defaults();
        return new QuarantineSettings(integer("quarantine.max-messages", (int) d.maxMessages()),
                Duration.ofDays(integer("quarantine.retention-days", (int) d.retention().toDays())),
                integer("quarantine.per-source-per-minute", d.perSourcePerMinute()), d.summaryInterval());
    }

    private Optional<String> optional(String key) {
        return config.get(key).asString().asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }

    private String required(String key) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException(key + " is missing"));
    }

    private String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    private int integer(String key, int defaultValue) {
        Optional<String> text = optional(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + text.get() + "' must be a whole number");
        }
    }

    private boolean bool(String key, boolean defaultValue) {
        Optional<String> text = optional(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " '" + text.get() + "' must be true or false");
        };
    }

    private Path path(String text) {
        Path p = Path.of(text);
        return p.isAbsolute() ? p : base.resolve(p).normalize();
    }

    /** The keys this reader knows, for documentation checks. */
    static List<String> keys() {
        return KEYS.stream().sorted().toList();
    }
}
