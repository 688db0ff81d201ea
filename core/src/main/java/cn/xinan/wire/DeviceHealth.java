package cn.xinan.wire;

/**
 * What a device knows of its own health, carried by its status message from status schema 2 on
 * (docs/mqtt-contract.md, "Status"): the presence sensor, the clock and the outbox. It feeds the collector's
 * device warnings (docs/warnings.md), never accounting. Every duration is in whole seconds, from
 * {@code 0} to {@link #MAX_SECONDS} (the span of the contract's time range, 1970 to 2100).
 *
 * @param sensorUnchangedOpenSeconds how long the room has been open (by staff) since the presence sensor's raw
 *                                   reading last changed, summed over the open periods since that change: a sensor
 *                                   that sees nobody through hours of an open room is stuck
 * @param sensorError                the sensor's input could not be read at the last check (a hardware read error)
 * @param clockSynced                the device clock is NTP-synchronised now
 * @param clockUnsyncedSeconds       how long the clock has been unsynchronised without a break, measured on the
 *                                   monotonic clock (the wall clock is wrong then); {@code 0} when synchronised
 * @param outboxDepth                events waiting for a collector's acknowledgement, from 0 to
 *                                   {@code cn.xinan.event.DeviceEvent.MAX_SEQ}
 * @param outboxOldestSeconds        how old the oldest of them is by the device clock; {@code 0} when there is none
 */
public record DeviceHealth(long sensorUnchangedOpenSeconds, boolean sensorError, boolean clockSynced,
                           long clockUnsyncedSeconds, long outboxDepth, long outboxOldestSeconds) {
    /** 1970-01-01 to 2100-01-01 in seconds: no difference of two times of the contract is longer. */
    public static final long MAX_SECONDS = 4_102_444_800L;

    public DeviceHealth {
        checkSeconds("sensorUnchangedOpenSeconds", sensorUnchangedOpenSeconds);
        checkSeconds("clockUnsyncedSeconds", clockUnsyncedSeconds);
        checkSeconds("outboxOldestSeconds", outboxOldestSeconds);
        if (outboxDepth < 0 || outboxDepth > cn.xinan.event.DeviceEvent.MAX_SEQ) {
            throw new IllegalArgumentException("outboxDepth must be from 0 to " + cn.xinan.event.DeviceEvent.MAX_SEQ
                    + ", was " + outboxDepth);
        }
        if (clockSynced && clockUnsyncedSeconds != 0) {
            throw new IllegalArgumentException("clockUnsyncedSeconds must be 0 when clockSynced, was " + clockUnsyncedSeconds);
        }
        if (outboxDepth == 0 && outboxOldestSeconds != 0) {
            throw new IllegalArgumentException("outboxOldestSeconds must be 0 when outboxDepth is 0, was "
                    + outboxOldestSeconds);
        }
    }

    private static void checkSeconds(String field, long value) {
        if (value < 0 || value > MAX_SECONDS) {
            throw new IllegalArgumentException(field + " must be from 0 to " + MAX_SECONDS + " seconds, was " + value);
        }
    }

    /** {@code value} held within the range of a duration field (a device clamps what its clocks give it). */
    public static long clampSeconds(long value) {
        return Math.max(0, Math.min(MAX_SECONDS, value));
    }

    /** The health fields in their wire order, after {@code firmware}: these follow it in the signed encoding. */
    void appendTo(StringBuilder b) {
        b.append(",\"sensorUnchangedOpenSeconds\":").append(sensorUnchangedOpenSeconds)
                .append(",\"sensorError\":").append(sensorError)
                .append(",\"clockSynced\":").append(clockSynced)
                .append(",\"clockUnsyncedSeconds\":").append(clockUnsyncedSeconds)
                .append(",\"outboxDepth\":").append(outboxDepth)
                .append(",\"outboxOldestSeconds\":").append(outboxOldestSeconds);
    }
}
