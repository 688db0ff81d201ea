package cn.xinan.collector.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * How the collector follows each device's stored sequence (docs/collector.md, "Acknowledgements and gaps").
 *
 * @param gapTimeout  a gap not filled after this long is asked for on {@code {id}/resend}, again every time-out
 *                    (default 30 s; {@code ack.gap-timeout-seconds})
 * @param stallAfter  health turns DOWN when a device's acknowledgement has not advanced for this long while its
 *                    events keep arriving above a gap (default 5 min; {@code ack.stall-seconds})
 */
public record AckSettings(Duration gapTimeout, Duration stallAfter) {
    public static final AckSettings DEFAULTS = new AckSettings(Duration.ofSeconds(30), Duration.ofMinutes(5));

    public AckSettings {
        Objects.requireNonNull(gapTimeout, "ack.gap-timeout-seconds is missing");
        Objects.requireNonNull(stallAfter, "ack.stall-seconds is missing");
        if (gapTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("ack.gap-timeout-seconds must be positive, was " + gapTimeout);
        }
        if (stallAfter.compareTo(gapTimeout) < 0) {
            throw new IllegalArgumentException("ack.stall-seconds must be at least the gap time-out, was " + stallAfter);
        }
    }
}
