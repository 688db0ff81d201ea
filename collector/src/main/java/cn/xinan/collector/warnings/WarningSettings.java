package cn.xinan.collector.warnings;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the collector warns (the {@code warnings.*} keys of docs/collector.md, explained in docs/warnings.md).
 *
 * @param evaluateEvery     how often every room's conditions are evaluated
 * @param openingHours      the posted opening hours of a school day, unless the school has its own
 * @param schoolHours       per school id, its own posted opening hours
 * @param dayCheckpointLead how long before the end of the opening hours today's attended time is checked
 * @param deviceSilentAfter how long without a sign of life during opening hours makes a device "silent"
 * @param usualSchoolDays   how many past school days with data make a room's "usual" daily hours
 * @param quietHours        hours in which nothing is delivered, if any
 * @param digestAt          when each school's daily digest is sent on a school day, if at all
 * @param initialBackoff    the wait after a first failed delivery; doubled after each failure
 * @param maxBackoff        the longest wait between two attempts
 * @param maxAttempts       attempts before a delivery is given up as failed
 * @param linkBase          the web UI's public address, for the link to the room in every message
 * @param targets           where warnings go
 * @param deviceHealth      when a device's reported health raises a warning
 */
public record WarningSettings(Duration evaluateEvery, OpeningHours openingHours, Map<String, OpeningHours> schoolHours,
                              Duration dayCheckpointLead, Duration deviceSilentAfter, int usualSchoolDays,
                              Optional<QuietHours> quietHours, Optional<LocalTime> digestAt,
                              Duration initialBackoff, Duration maxBackoff, int maxAttempts, String linkBase,
                              List<WebhookTarget> targets, DeviceHealthLimits deviceHealth) {
    public WarningSettings {
        requirePositive(evaluateEvery, "warnings.evaluate-every-seconds");
        Objects.requireNonNull(openingHours, "warnings.opening-hours is missing");
        schoolHours = Map.copyOf(Objects.requireNonNull(schoolHours, "warnings.school-opening-hours is missing"));
        requirePositive(dayCheckpointLead, "warnings.day-checkpoint-lead-minutes");
        requirePositive(deviceSilentAfter, "warnings.device-silent-minutes");
        if (usualSchoolDays < 1 || usualSchoolDays > 60) {
            throw new IllegalArgumentException("warnings.usual-school-days must be between 1 and 60, was " + usualSchoolDays);
        }
        Objects.requireNonNull(quietHours, "warnings.quiet-hours is missing (use Optional.empty())");
        Objects.requireNonNull(digestAt, "warnings.digest-at is missing (use Optional.empty())");
        requirePositive(initialBackoff, "warnings.retry.initial-seconds");
        requirePositive(maxBackoff, "warnings.retry.max-seconds");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("warnings.retry.max-seconds must not be shorter than warnings.retry.initial-seconds");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("warnings.retry.max-attempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(linkBase, "warnings.link-base is missing");
        targets = List.copyOf(Objects.requireNonNull(targets, "warnings.targets is missing"));
        long distinct = targets.stream().map(WebhookTarget::name).distinct().count();
        if (distinct != targets.size()) {
            throw new IllegalArgumentException("warnings.targets: two targets share a name");
        }
        Objects.requireNonNull(deviceHealth, "the device health limits are missing");
    }

    /** With the default device health limits. */
    public WarningSettings(Duration evaluateEvery, OpeningHours openingHours, Map<String, OpeningHours> schoolHours,
                           Duration dayCheckpointLead, Duration deviceSilentAfter, int usualSchoolDays,
                           Optional<QuietHours> quietHours, Optional<LocalTime> digestAt,
                           Duration initialBackoff, Duration maxBackoff, int maxAttempts, String linkBase,
                           List<WebhookTarget> targets) {
        this(evaluateEvery, openingHours, schoolHours, dayCheckpointLead, deviceSilentAfter, usualSchoolDays, quietHours,
                digestAt, initialBackoff, maxBackoff, maxAttempts, linkBase, targets, DeviceHealthLimits.DEFAULTS);
    }

    /**
     * Defaults: evaluated every minute; opening hours 08:00-17:30 with the check one hour before the end; a
     * device silent for 15 minutes; the usual hours over the last 10 school days; quiet 21:00-07:30; a digest at
     * 17:45; retries after 1, 2, 4 … minutes up to one hour, 12 attempts; no targets.
     */
    public static WarningSettings defaults() {
        return new WarningSettings(Duration.ofMinutes(1), new OpeningHours(LocalTime.of(8, 0), LocalTime.of(17, 30)),
                Map.of(), Duration.ofHours(1), Duration.ofMinutes(15), 10,
                Optional.of(new QuietHours(LocalTime.of(21, 0), LocalTime.of(7, 30))), Optional.of(LocalTime.of(17, 45)),
                Duration.ofMinutes(1), Duration.ofHours(1), 12, "http://127.0.0.1:8080/", List.of(),
                DeviceHealthLimits.DEFAULTS);
    }

    public OpeningHours openingHoursOf(String schoolId) {
        return schoolHours.getOrDefault(schoolId, openingHours);
    }

    /** The wait before attempt {@code attempt + 1} after {@code attempt} failures (1, 2, 4 … capped). */
    public Duration backoffAfter(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    public WarningSettings withTargets(List<WebhookTarget> newTargets) {
        return new WarningSettings(evaluateEvery, openingHours, schoolHours, dayCheckpointLead, deviceSilentAfter,
                usualSchoolDays, quietHours, digestAt, initialBackoff, maxBackoff, maxAttempts, linkBase, newTargets,
                deviceHealth);
    }

    public WarningSettings withQuietHours(Optional<QuietHours> hours) {
        return new WarningSettings(evaluateEvery, openingHours, schoolHours, dayCheckpointLead, deviceSilentAfter,
                usualSchoolDays, hours, digestAt, initialBackoff, maxBackoff, maxAttempts, linkBase, targets, deviceHealth);
    }

    public WarningSettings withDigestAt(Optional<LocalTime> time) {
        return new WarningSettings(evaluateEvery, openingHours, schoolHours, dayCheckpointLead, deviceSilentAfter,
                usualSchoolDays, quietHours, time, initialBackoff, maxBackoff, maxAttempts, linkBase, targets, deviceHealth);
    }

    public WarningSettings withDeviceHealth(DeviceHealthLimits limits) {
        return new WarningSettings(evaluateEvery, openingHours, schoolHours, dayCheckpointLead, deviceSilentAfter,
                usualSchoolDays, quietHours, digestAt, initialBackoff, maxBackoff, maxAttempts, linkBase, targets,
                limits);
    }

    private static void requirePositive(Duration d, String key) {
        Objects.requireNonNull(d, key + " is missing");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + d);
        }
    }
}
