package cn.xinan.collector.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the quarantine, so a flood of bad messages can neither fill the disk nor the log.
 *
 * @param maxMessages        the most quarantined messages kept; older ones are deleted first
 *                           ({@code quarantine.max-messages}, default 20,000: at most about 120 MB with 4 KiB payloads)
 * @param retention          how long a quarantined message is kept ({@code quarantine.retention-days}, default 30)
 * @param perSourcePerMinute the most messages quarantined per source (the topic's first level: the publishing
 *                           device's id, which the broker's ACL ties to the account) per minute; the rest are
 *                           counted and acknowledged but not kept ({@code quarantine.per-source-per-minute}, default 60)
 * @param summaryInterval    one log line per reason per interval, with counts, instead of one per message (1 minute)
 */
public record QuarantineSettings(long maxMessages, Duration retention, int perSourcePerMinute, Duration summaryInterval) {
    public QuarantineSettings {
        if (maxMessages < 1 || maxMessages > 100_000_000L) {
            throw new IllegalArgumentException("quarantine.max-messages must be between 1 and 100000000, was " + maxMessages);
        }
        Objects.requireNonNull(retention, "quarantine.retention-days is missing");
        if (retention.toDays() < 1 || retention.toDays() > 3650) {
            throw new IllegalArgumentException("quarantine.retention-days must be between 1 and 3650, was " + retention.toDays());
        }
        if (perSourcePerMinute < 1 || perSourcePerMinute > 1_000_000) {
            throw new IllegalArgumentException("quarantine.per-source-per-minute must be between 1 and 1000000, was "
                    + perSourcePerMinute);
        }
        Objects.requireNonNull(summaryInterval, "summary interval is missing");
        if (summaryInterval.isNegative() || summaryInterval.isZero()) {
            throw new IllegalArgumentException("the quarantine log summary interval must be positive, was " + summaryInterval);
        }
    }

    public static QuarantineSettings defaults() {
        return new QuarantineSettings(20_000, Duration.ofDays(30), 60, Duration.ofMinutes(1));
    }
}
