package cn.xinan.device.kiosk;

import cn.xinan.device.config.ProgressSettings;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Today's and this week's attended time for the kiosk's start screen, computed by the rules engine
 * (the same code as the collector's verdicts) from the device's own recent events, with the rule settings
 * and school calendar the device is configured with ({@code rules.*}, {@code calendar.*}).
 *
 * <p>The outbox forgets delivered events, so the device keeps a bounded history: {@link #KEPT} (8 days:
 * the ISO week so far plus a day for an interval opened the evening before) in the outbox file's
 * {@code history} table, and the same events in memory here (at a heartbeat a minute, about 11,500
 * events, 2-3 MB). The engine ends an open interval at the last event it has, so the figures are
 * computed as if a heartbeat were recorded now: they grow while the room is open.
 *
 * <p>Events recorded before the clock was synchronised are left out by the engine (as by the
 * collector) until they are re-timed. Thread-safe.
 */
public final class RoomProgress {
    /** How far back the device keeps its events for the kiosk. */
    public static final Duration KEPT = Duration.ofDays(8);

    /**
     * The figures shown.
     *
     * @param schoolDaysLeft school days of this week from today on, today included when it is one: what the staff
     *                       view tells the counselor is left to reach the week's hours (docs/warnings.md uses the same
     *                       calendar and settings on the collector)
     */
    public record Figures(LocalDate date, boolean schoolDay, long todayAttendedSeconds, long todayRequiredSeconds,
                          String week, long weekAttendedSeconds, long weekRequiredSeconds, int todayCheckins,
                          int schoolDaysLeft) {
    }

    private final String roomId;
    private final RulesEngine engine;
    private final SchoolCalendar calendar;
    private final Deque<DeviceEvent> events = new ArrayDeque<>();

    /** Computed with {@code settings}: the room's rule settings and school calendar, as the collector has them. */
    public RoomProgress(String roomId, ProgressSettings settings) {
        this.roomId = Objects.requireNonNull(roomId, "room id is missing");
        Objects.requireNonNull(settings, "progress settings are missing");
        this.engine = new RulesEngine(settings.rules());
        this.calendar = settings.calendar();
    }

    /** Replaces what is known by {@code history} (in sequence order), at start and after a re-timing. */
    public synchronized void reload(Collection<DeviceEvent> history) {
        events.clear();
        events.addAll(history);
    }

    /** One more recorded event. */
    public synchronized void recorded(DeviceEvent event) {
        events.addLast(event);
    }

    /** Forgets what is older than {@link #KEPT} before {@code now}. */
    public synchronized void prune(Instant now) {
        Instant cutoff = now.minus(KEPT);
        while (!events.isEmpty() && events.peekFirst().at().isBefore(cutoff)) {
            events.removeFirst();
        }
    }

    public synchronized int size() {
        return events.size();
    }

    /** The figures at {@code now}. */
    public Figures at(Instant now) {
        List<DeviceEvent> copy;
        synchronized (this) {
            copy = new ArrayList<>(events.size() + 1);
            copy.addAll(events);
        }
        if (!copy.isEmpty()) {
            DeviceEvent last = copy.get(copy.size() - 1);
            Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            if (at.isAfter(last.at())) {
                copy.add(new DeviceEvent("kiosk-now", last.deviceId(), last.seq() + 1, at, true,
                        new EventBody.Heartbeat()));
            }
        }
        LocalDate today = now.atZone(RulesEngine.ZONE).toLocalDate();
        RoomReport report = engine.evaluate(roomId, Tier.UNRATED, copy, calendar, today, today);
        DayResult day = report.days().get(0);
        WeekResult week = report.weeks().get(0);
        long dayRequired = report.thresholds().dailySeconds();
        int left = 0;
        for (LocalDate d = today; !d.isAfter(WeekResult.mondayOf(today).plusDays(6)); d = d.plusDays(1)) {
            left += calendar.isSchoolDay(d) ? 1 : 0;
        }
        return new Figures(today, day.schoolDay(), day.attendedSeconds(), day.schoolDay() ? dayRequired : 0,
                week.week(), week.attendedSeconds(), week.requiredSeconds(), day.checkins(), left);
    }
}
