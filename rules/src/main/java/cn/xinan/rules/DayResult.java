package cn.xinan.rules;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One room's figures for one local day {@code [00:00, 24:00)} Asia/Shanghai.
 *
 * @param date            the local date
 * @param schoolDay       whether it is a school day of the room's calendar
 * @param openSeconds     seconds of the day inside an open interval
 * @param attendedSeconds open seconds minus those inside unattended stretches
 * @param checkins        student check-ins recorded with a time on this date (open or not)
 * @param verdict         {@code MET}/{@code NOT_MET}/{@code NO_DATA} on a school day, {@code NOT_REQUIRED}
 *                        otherwise
 */
public record DayResult(LocalDate date, boolean schoolDay, long openSeconds, long attendedSeconds, int checkins,
                        Verdict verdict) {
    public DayResult {
        Objects.requireNonNull(date, "date is missing");
        Objects.requireNonNull(verdict, "verdict is missing");
        if (openSeconds < 0 || openSeconds > 90_000) {
            throw new IllegalArgumentException("openSeconds must be between 0 and 90000, was " + openSeconds);
        }
        if (attendedSeconds < 0 || attendedSeconds > openSeconds) {
            throw new IllegalArgumentException("attendedSeconds must be between 0 and openSeconds ("
                    + openSeconds + "), was " + attendedSeconds);
        }
        if (checkins < 0) {
            throw new IllegalArgumentException("checkins must not be negative, was " + checkins);
        }
        if (schoolDay == (verdict == Verdict.NOT_REQUIRED)) {
            throw new IllegalArgumentException("verdict " + verdict + " contradicts schoolDay=" + schoolDay);
        }
    }

    /** Open seconds of the day inside unattended stretches. */
    public long unattendedSeconds() {
        return openSeconds - attendedSeconds;
    }
}
