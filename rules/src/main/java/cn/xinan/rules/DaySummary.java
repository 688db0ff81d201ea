package cn.xinan.rules;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One room's day as the engine accounts it, before any calendar, tier or threshold is applied: what
 * {@link RulesEngine#evaluateSummaries} needs to answer any period (docs/rules-engine.md, "Day summaries").
 * Computed by {@link RulesEngine#summarize} from the room's events; exact only when computed from a closed
 * state and up to a closed end of day or the end of the room's events (see there).
 *
 * @param date                 the local date
 * @param openMillis           milliseconds of the day inside an open interval
 * @param unattendedMillis     milliseconds of the day inside unattended stretches
 * @param checkins             check-ins with a time on this date
 * @param alive                whether any accounted (synchronised) event has a time on this date
 * @param unsyncedEvents       distinct events on this date recorded with an unsynchronised clock (left out)
 * @param events               distinct events on this date, accounted or not (a fingerprint of the input)
 * @param unattendedGapSeconds the gap setting the stretches were found with
 * @param end                  the state carried over this day's midnight to the next day, before the end-of-events
 *                             rule closes an interval still open
 */
public record DaySummary(LocalDate date, long openMillis, long unattendedMillis, int checkins, boolean alive,
                         int unsyncedEvents, int events, long unattendedGapSeconds, CarriedState end) {
    public DaySummary {
        Objects.requireNonNull(date, "date is missing");
        Objects.requireNonNull(end, "end state is missing");
        if (openMillis < 0 || openMillis > 90_000_000L) {
            throw new IllegalArgumentException("openMillis must be between 0 and 90000000, was " + openMillis);
        }
        if (unattendedMillis < 0 || unattendedMillis > openMillis) {
            throw new IllegalArgumentException("unattendedMillis must be between 0 and openMillis (" + openMillis
                    + "), was " + unattendedMillis);
        }
        if (checkins < 0 || unsyncedEvents < 0 || events < 0) {
            throw new IllegalArgumentException("counts must not be negative: checkins " + checkins
                    + ", unsyncedEvents " + unsyncedEvents + ", events " + events);
        }
        if (unattendedGapSeconds < 1) {
            throw new IllegalArgumentException("unattendedGapSeconds must be positive, was " + unattendedGapSeconds);
        }
    }
}
