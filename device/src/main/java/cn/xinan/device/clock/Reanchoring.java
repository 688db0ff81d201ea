package cn.xinan.device.clock;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.event.DeviceEvent;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Re-times the events a device recorded before its clock was synchronised (docs/rules.md §6), within the
 * wire contract as it is: such events are held back in the outbox (never published), and once the
 * clock is synchronised each is given its true time, {@code now − (monotonic now − monotonic then)},
 * a new event id, {@code clockSynced = true} and a fresh signature; sequence numbers and bodies stay.
 * Nothing outside the device ever saw the old version, so nothing refers to it.
 *
 * <p>Events of an earlier run (the monotonic clock restarted at the reboot, so their true time cannot
 * be known) and events held longer than {@code maxHold} without a sync are released as they are,
 * flagged unsynchronised: the collector then leaves them out and says so.
 */
public final class Reanchoring {
    private final Outbox outbox;
    private final EventSigner signer;
    private final Clock wall;
    private final MonotonicClock monotonic;
    private final String runId;
    private final Duration maxHold;

    public Reanchoring(Outbox outbox, EventSigner signer, Clock wall, MonotonicClock monotonic, String runId,
                       Duration maxHold) {
        this.outbox = Objects.requireNonNull(outbox, "outbox is missing");
        this.signer = Objects.requireNonNull(signer, "signer is missing");
        this.wall = Objects.requireNonNull(wall, "wall clock is missing");
        this.monotonic = Objects.requireNonNull(monotonic, "monotonic clock is missing");
        this.runId = Objects.requireNonNull(runId, "run id is missing");
        this.maxHold = Objects.requireNonNull(maxHold, "max hold is missing");
    }

    /**
     * Where an event with wall time {@code at} sits on this run's monotonic time line: now on it, minus
     * how long ago {@code at} was on the wall clock (a heartbeat caught up late was due earlier).
     */
    public Outbox.Hold holdFor(Instant at) {
        return new Outbox.Hold(runId, monotonic.millis() - (wall.millis() - at.toEpochMilli()));
    }

    /**
     * The clock is synchronised now: re-times this run's held events and releases the others.
     *
     * @return the re-timed events
     */
    public List<DeviceEvent> reanchor() {
        Instant now = wall.instant();
        long monoNow = monotonic.millis();
        List<SignedEvent> retimed = new ArrayList<>();
        List<Long> release = new ArrayList<>();
        for (Outbox.HeldEvent held : outbox.held()) {
            DeviceEvent e = held.signed().event();
            if (!held.hold().runId().equals(runId)) {
                release.add(e.seq());
                continue;
            }
            Instant at = now.minusMillis(monoNow - held.hold().monotonicMillis()).truncatedTo(ChronoUnit.MILLIS);
            retimed.add(signer.sign(new DeviceEvent(UUID.randomUUID().toString(), e.deviceId(), e.seq(), at, true,
                    e.body())));
        }
        if (!release.isEmpty()) {
            outbox.releaseHeld(release);
        }
        if (!retimed.isEmpty()) {
            outbox.replaceHeld(retimed);
        }
        return retimed.stream().map(SignedEvent::event).toList();
    }

    /**
     * Releases, as they are, held events of earlier runs and those held longer than {@code maxHold}.
     *
     * @return how many were released
     */
    public int releaseStale() {
        long monoNow = monotonic.millis();
        List<Long> release = new ArrayList<>();
        for (Outbox.HeldEvent held : outbox.held()) {
            if (!held.hold().runId().equals(runId) || monoNow - held.hold().monotonicMillis() >= maxHold.toMillis()) {
                release.add(held.signed().event().seq());
            }
        }
        return release.isEmpty() ? 0 : outbox.releaseHeld(release);
    }
}
