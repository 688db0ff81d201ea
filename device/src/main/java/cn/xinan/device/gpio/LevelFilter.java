package cn.xinan.device.gpio;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the raw level of a digital input into the level the firmware acts on, with the time of
 * every change, on an injected time line (no timer inside: the caller says what time it is).
 *
 * <ul>
 *   <li><b>Debounce</b>: a raw change counts only once the new level has held for {@code debounce};
 *       it takes effect at that moment (raw change + debounce). A bounce shorter than that is ignored.
 *       Zero: every raw change counts at once.</li>
 *   <li><b>Hold</b> (a PIR's hold time): once active, the level stays active until the debounced raw
 *       level has been inactive for {@code hold}; a new activation within the hold keeps it active
 *       without a gap. Zero: inactive at once (an mmWave module holds by itself).</li>
 * </ul>
 *
 * With both zero the filter passes every change through at the time it is given. Not thread-safe:
 * its owner serialises access.
 */
public final class LevelFilter {
    /** A change of the filtered level. */
    public record Change(boolean active, Instant at) {
        public Change {
            Objects.requireNonNull(at, "change time is missing");
        }
    }

    private final Duration debounce;
    private final Duration hold;
    private boolean raw;
    private Instant rawSince;
    private boolean debounced;
    private boolean level;
    /** When the debounced level follows a pending raw change; null if none is pending. */
    private Instant debounceDue;
    /** When an active level ends at the end of its hold; null if none is pending. */
    private Instant holdEnds;

    /**
     * @param initial the level at {@code now} (taken as settled: it is not reported as a change)
     */
    public LevelFilter(Duration debounce, Duration hold, boolean initial, Instant now) {
        this.debounce = requireNotNegative(debounce, "debounce");
        this.hold = requireNotNegative(hold, "hold");
        this.raw = initial;
        this.debounced = initial;
        this.level = initial;
        this.rawSince = Objects.requireNonNull(now, "start time is missing");
    }

    private static Duration requireNotNegative(Duration d, String what) {
        Objects.requireNonNull(d, what + " is missing");
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
        return d;
    }

    /**
     * The input now reads {@code active} (a level equal to the last raw level is ignored).
     *
     * @return the filtered changes due by {@code at}, this one included when it takes effect at once
     */
    public List<Change> raw(boolean active, Instant at) {
        List<Change> changes = advanceTo(at);
        if (active == raw) {
            return changes;
        }
        raw = active;
        rawSince = at;
        if (active == debounced) {
            debounceDue = null; // a bounce: back to the settled level before the debounce ran out
        } else if (debounce.isZero()) {
            settle(active, at, changes);
        } else {
            debounceDue = at.plus(debounce);
        }
        return changes;
    }

    /** The filtered changes due at or before {@code now}, in time order, each with its own time. */
    public List<Change> advanceTo(Instant now) {
        List<Change> changes = new ArrayList<>(1);
        while (true) {
            Optional<Instant> next = nextDeadline();
            if (next.isEmpty() || next.get().isAfter(now)) {
                return changes;
            }
            Instant due = next.get();
            if (debounceDue != null && !debounceDue.isAfter(due)) {
                debounceDue = null;
                settle(raw, due, changes);
            } else {
                holdEnds = null;
                level = false;
                changes.add(new Change(false, due));
            }
        }
    }

    private void settle(boolean active, Instant at, List<Change> changes) {
        debounced = active;
        if (active) {
            holdEnds = null;
            if (!level) {
                level = true;
                changes.add(new Change(true, at));
            }
        } else if (level) {
            if (hold.isZero()) {
                level = false;
                changes.add(new Change(false, at));
            } else {
                holdEnds = at.plus(hold);
            }
        }
    }

    /** When the filtered level may change next without a new raw change (for a timer); empty if not. */
    public Optional<Instant> nextDeadline() {
        if (debounceDue == null) {
            return Optional.ofNullable(holdEnds);
        }
        if (holdEnds == null || debounceDue.isBefore(holdEnds)) {
            return Optional.of(debounceDue);
        }
        return Optional.of(holdEnds);
    }

    /** The filtered level. */
    public boolean active() {
        return level;
    }

    /** When the raw input last changed (or the filter was created): a stuck sensor never changes. */
    public Instant lastRawChange() {
        return rawSince;
    }
}
