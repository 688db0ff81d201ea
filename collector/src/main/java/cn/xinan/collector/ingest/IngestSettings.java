package cn.xinan.collector.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How the ingest pipeline checks and batches messages.
 *
 * @param maxFutureSkew     a synchronised device time more than this after the collector's receive time is
 *                          implausible (default 10 minutes)
 * @param earliestPlausible a synchronised device time before this is implausible (default 2020-01-01T00:00:00Z)
 * @param maxBatchMessages  the most messages verified, stored in one append and acknowledged together (default 500)
 * @param verifyThreads     threads decoding and verifying signatures in parallel (default: the processors)
 * @param quarantine        size, retention and rate bounds of the quarantine
 * @param ack               when a gap is asked for again and when health calls a device's acknowledgement stalled
 *                          ({@code ack.*})
 */
public record IngestSettings(Duration maxFutureSkew, Instant earliestPlausible, int maxBatchMessages,
                             int verifyThreads, QuarantineSettings quarantine, AckSettings ack) {
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);
    public static final Instant DEFAULT_EARLIEST_PLAUSIBLE = Instant.parse("2020-01-01T00:00:00Z");

    public IngestSettings {
        Objects.requireNonNull(maxFutureSkew, "ingest.max-future-skew is missing");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("ingest.max-future-skew must not be negative, was " + maxFutureSkew);
        }
        Objects.requireNonNull(earliestPlausible, "ingest.earliest-plausible is missing");
        if (maxBatchMessages < 1 || maxBatchMessages > 10_000) {
            throw new IllegalArgumentException("ingest.max-batch-messages must be between 1 and 10000, was " + maxBatchMessages);
        }
        if (verifyThreads < 1 || verifyThreads > 64) {
            throw new IllegalArgumentException("ingest.verify-threads must be between 1 and 64, was " + verifyThreads);
        }
        Objects.requireNonNull(quarantine, "quarantine settings are missing");
        Objects.requireNonNull(ack, "ack settings are missing");
    }

    /** With the default acknowledgement settings ({@link AckSettings#DEFAULTS}). */
    public IngestSettings(Duration maxFutureSkew, Instant earliestPlausible, int maxBatchMessages, int verifyThreads,
                          QuarantineSettings quarantine) {
        this(maxFutureSkew, earliestPlausible, maxBatchMessages, verifyThreads, quarantine, AckSettings.DEFAULTS);
    }

    /** With the default quarantine bounds ({@link QuarantineSettings#defaults()}). */
    public IngestSettings(Duration maxFutureSkew, Instant earliestPlausible, int maxBatchMessages, int verifyThreads) {
        this(maxFutureSkew, earliestPlausible, maxBatchMessages, verifyThreads, QuarantineSettings.defaults());
    }

    public IngestSettings withQuarantine(QuarantineSettings settings) {
        return new IngestSettings(maxFutureSkew, earliestPlausible, maxBatchMessages, verifyThreads, settings, ack);
    }

    public IngestSettings withAck(AckSettings settings) {
        return new IngestSettings(maxFutureSkew, earliestPlausible, maxBatchMessages, verifyThreads, quarantine, settings);
    }

    public static IngestSettings defaults() {
        return new IngestSettings(DEFAULT_MAX_FUTURE_SKEW, DEFAULT_EARLIEST_PLAUSIBLE, 500,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
}
