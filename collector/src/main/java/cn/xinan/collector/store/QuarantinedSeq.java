package cn.xinan.collector.store;

import cn.xinan.event.DeviceEvent;

import java.time.Instant;
import java.util.Objects;

/**
 * One event of a registered device whose signature verified but which was quarantined instead of stored (an
 * implausible time, a value the store refused, a failure no check foresaw): its sequence number counts as
 * <b>handled</b>, so the device's acknowledged {@code through} passes it and the device deletes it from its outbox
 * (docs/mqtt-contract.md, "Acknowledgement and resend"). The message itself is kept in the quarantine list with its
 * reason; this record is what keeps the acknowledgement exact, whichever collector replica handled the event, and it
 * is never pruned with the quarantine list. An unverified message never makes one.
 *
 * @param deviceId   the device (registered, its signature verified)
 * @param seq        the event's sequence number
 * @param eventId    the event's id (the acknowledgement names the id under {@code through})
 * @param reason     why it was quarantined: {@link #HANDLED_REASONS} only
 * @param receivedAt when the collector received it (collector clock)
 */
public record QuarantinedSeq(String deviceId, long seq, String eventId, QuarantineReason reason, Instant receivedAt) {
    /** The reasons a verified event can be quarantined for. */
    public static final java.util.Set<QuarantineReason> HANDLED_REASONS = java.util.EnumSet.of(
            QuarantineReason.IMPLAUSIBLE_TIME, QuarantineReason.STORE_REFUSED, QuarantineReason.INTERNAL_ERROR);

    public QuarantinedSeq {
        Objects.requireNonNull(deviceId, "device id is missing");
        Objects.requireNonNull(eventId, "event id is missing");
        Objects.requireNonNull(reason, "reason is missing");
        Objects.requireNonNull(receivedAt, "receive time is missing");
        if (seq < 1 || seq > DeviceEvent.MAX_SEQ) {
            throw new IllegalArgumentException("seq must be 1 to " + DeviceEvent.MAX_SEQ + ", was " + seq);
        }
        if (!HANDLED_REASONS.contains(reason)) {
            throw new IllegalArgumentException("a verified event is not quarantined for " + reason.code()
                    + "; handled reasons are " + HANDLED_REASONS);
        }
    }

    /** The handled record of a verified event quarantined for {@code reason}. */
    public static QuarantinedSeq of(DeviceEvent event, QuarantineReason reason, Instant receivedAt) {
        return new QuarantinedSeq(event.deviceId(), event.seq(), event.eventId(), reason, receivedAt);
    }
}
