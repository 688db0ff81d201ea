package cn.xinan.collector.warnings;

import io.helidon.config.Config;

import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads the {@code warnings} section of the collector's YAML file (docs/collector.md, docs/warnings.md). Every error
 * names its key; an unknown key is an error, so a typo never silently falls back to a default.
 */
public final class WarningSettingsFile {
    private static final Set<String> KEYS = Set.of("enabled", "evaluate-every-seconds", "opening-hours",
            "day-checkpoint-lead-minutes", "device-silent-minutes", "usual-school-days", "quiet-hours", "digest-at",
            "retry.initial-seconds", "retry.max-seconds", "retry.max-attempts", "link-base",
            "sensor-stuck-hours", "clock-unsynced-minutes", "backlog-minutes", "backlog-reports",
            "device-health-max-age-minutes");
    private static final Set<String> TARGET_KEYS = Set.of("name", "scope", "type", "url", "secret", "kinds", "from",
            "to");
    private static final Set<String> SCHOOL_HOURS_KEYS = Set.of("school", "hours");

    private final Config section;

    private WarningSettingsFile(Config section) {
        this.section = section;
    }

    /**
     * The settings, or empty when {@code warnings.enabled} is not {@code true}.
     *
     * @param section the {@code warnings} node
     * @throws IllegalArgumentException naming the key of the first problem
     */
    public static Optional<WarningSettings> read(Config section) {
        return new WarningSettingsFile(section).parse();
    }

    private Optional<WarningSettings> parse() {
        if (section.get("state-file").exists()) {
            throw new IllegalArgumentException("warnings.state-file is no longer used: the warnings' state is kept in the"
                    + " store (docs/warnings.md); remove the key");
        }
        Set<String> unknown = new TreeSet<>();
        section.traverse().filter(Config::isLeaf).forEach(c -> {
            String key = c.key().toString().substring("warnings.".length());
            boolean known = KEYS.contains(key)
                    || key.matches("targets\\.\\d+\\.(" + String.join("|", TARGET_KEYS) + ")")
                    || key.matches("school-opening-hours\\.\\d+\\.(" + String.join("|", SCHOOL_HOURS_KEYS) + ")");
            if (!known) {
                unknown.add(c.key().toString());
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key " + String.join(", ", unknown));
        }
        if (!bool("enabled", false)) {
            return Optional.empty();
        }
        WarningSettings d = WarningSettings.defaults();
        OpeningHours hours = parsed("opening-hours", OpeningHours::parse).orElse(d.openingHours());
        Map<String, OpeningHours> schoolHours = new LinkedHashMap<>();
        List<Config> schools = section.get("school-opening-hours").asNodeList().orElse(List.of());
        for (int i = 0; i < schools.size(); i++) {
            String prefix = "warnings.school-opening-hours." + i + ".";
            String school = text(schools.get(i).get("school")).orElseThrow(() -> new IllegalArgumentException(prefix + "school is missing"));
            String h = text(schools.get(i).get("hours")).orElseThrow(() -> new IllegalArgumentException(prefix + "hours is missing"));
            try {
                schoolHours.put(school, OpeningHours.parse(h));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + "hours: " + e.getMessage());
            }
        }
        Optional<QuietHours> quiet = none("quiet-hours") ? Optional.empty()
                : Optional.of(parsed("quiet-hours", QuietHours::parse).orElse(d.quietHours().orElseThrow()));
        Optional<LocalTime> digest = none("digest-at") ? Optional.empty()
                : Optional.of(parsed("digest-at", this::time).orElse(d.digestAt().orElseThrow()));
        List<WebhookTarget> targets = new ArrayList<>();
        List<Config> nodes = section.get("targets").asNodeList().orElse(List.of());
        for (int i = 0; i < nodes.size(); i++) {
            targets.add(target(nodes.get(i), "warnings.targets." + i + "."));
        }
        return Optional.of(new WarningSettings(
                Duration.ofSeconds(integer("evaluate-every-seconds", (int) d.evaluateEvery().toSeconds())), hours, schoolHours,
                Duration.ofMinutes(integer("day-checkpoint-lead-minutes", (int) d.dayCheckpointLead().toMinutes())),
                Duration.ofMinutes(integer("device-silent-minutes", (int) d.deviceSilentAfter().toMinutes())),
                integer("usual-school-days", d.usualSchoolDays()), quiet, digest,
                Duration.ofSeconds(integer("retry.initial-seconds", (int) d.initialBackoff().toSeconds())),
                Duration.ofSeconds(integer("retry.max-seconds", (int) d.maxBackoff().toSeconds())),
                integer("retry.max-attempts", d.maxAttempts()), linkBase(), targets,
                deviceHealth()));
    }

    private DeviceHealthLimits deviceHealth() {
        DeviceHealthLimits d = DeviceHealthLimits.DEFAULTS;
        return new DeviceHealthLimits(
                Duration.ofHours(integer("sensor-stuck-hours", (int) d.sensorStuckAfter().toHours())),
                Duration.ofMinutes(integer("clock-unsynced-minutes", (int) d.clockUnsyncedAfter().toMinutes())),
                Duration.ofMinutes(integer("backlog-minutes", (int) d.backlogAge().toMinutes())),
                integer("backlog-reports", d.backlogReports()),
                Duration.ofMinutes(integer("device-health-max-age-minutes", (int) d.healthMaxAge().toMinutes())));
    }

    private String linkBase() {
        String base = text(section.get("link-base")).orElseThrow(() ->
                new IllegalArgumentException("warnings.link-base is missing: the web UI's public address, for the link in every message"));
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("warnings.link-base '" + base + "' is not an address");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("warnings.link-base '" + base + "' must start with http:// or https://");
        }
        return base.endsWith("/") ? base : base + "/";
    }

    private WebhookTarget target(Config node, String prefix) {
        String name = text(node.get("name")).orElseThrow(() -> new IllegalArgumentException(prefix + "name is missing"));
        try {
            WarningScope scope = WarningScope.parse(text(node.get("scope")).orElse("city"));
            WebhookFormat format = WebhookFormat.parse(text(node.get("type"))
                    .orElseThrow(() -> new IllegalArgumentException("type is missing")));
            URI url = URI.create(text(node.get("url")).orElseThrow(() -> new IllegalArgumentException("url is missing")));
            Set<WarningKind> kinds = text(node.get("kinds")).map(WebhookTarget::parseKinds).orElse(Set.of());
            Optional<MailRecipients> mail = format == WebhookFormat.EMAIL
                    ? Optional.of(MailRecipients.parse(text(node.get("from")).orElse(""), text(node.get("to")).orElse("")))
                    : Optional.empty();
            return new WebhookTarget(name, scope, format, url, text(node.get("secret")), kinds, mail);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + " (" + name + "): " + e.getMessage());
        }
    }

    private LocalTime time(String text) {
        try {
            return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time like 17:45");
        }
    }

    private boolean none(String key) {
        return text(section.get(key)).map("none"::equals).orElse(false);
    }

    private <T> Optional<T> parsed(String key, Function<String, T> parser) {
        Optional<String> t = text(section.get(key));
        try {
            return t.map(parser);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("warnings." + key + ": " + e.getMessage());
        }
    }

    private int integer(String key, int defaultValue) {
        Optional<String> t = text(section.get(key));
        try {
            return t.map(Integer::parseInt).orElse(defaultValue);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("warnings." + key + " '" + t.get() + "' must be a whole number");
        }
    }

    private boolean bool(String key, boolean defaultValue) {
        Optional<String> t = text(section.get(key));
        if (t.isEmpty()) {
            return defaultValue;
        }
        return switch (t.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("warnings." + key + " '" + t.get() + "' must be true or false");
        };
    }

    private static Optional<String> text(Config node) {
        return node.asString().asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }
}
