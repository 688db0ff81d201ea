package cn.xinan.rules;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive reading of docs/rules.md for the property tests: it decides, second by second over the
 * whole weeks of the period, whether the room is open and whether someone is present, then marks unattended
 * runs of open, unoccupied seconds. Slow and obvious; the engine must agree with it on every input. Expects
 * whole-second event times inside the weeks of the period, and a zone of fixed offset +08:00 (Asia/Shanghai
 * since 1991).
 */
final class ReferenceEngine {
    private ReferenceEngine() {
    }

    static RoomReport evaluate(RuleSettings settings, String room, Tier tier, List<DeviceEvent> input,
                               SchoolCalendar calendar, LocalDate from, LocalDate to) {
        // 1. One copy of every event id, in (at, deviceId, seq) order; unsynchronised events set apart.
        List<DeviceEvent> all = new ArrayList<>(input);
        all.sort(Comparator.comparing(DeviceEvent::at).thenComparing(DeviceEvent::deviceId)
                .thenComparingLong(DeviceEvent::seq).thenComparing(DeviceEvent::eventId));
        Map<String, DeviceEvent> distinct = new LinkedHashMap<>();
        for (DeviceEvent e : all) {
            distinct.putIfAbsent(e.eventId(), e);
        }
        List<DeviceEvent> events = new ArrayList<>();
        int unsynced = 0;
        for (DeviceEvent e : distinct.values()) {
            if (e.clockSynced()) {
                events.add(e);
            } else {
                unsynced++;
            }
        }

        // 2. The grid: every second of the weeks touching the period.
        LocalDate firstDay = from.minusDays(from.getDayOfWeek().getValue() - 1);
        LocalDate lastDay = to.plusDays(7 - to.getDayOfWeek().getValue());
        int days = (int) ChronoUnit.DAYS.between(firstDay, lastDay) + 1;
        long gridStart = firstDay.atStartOfDay().toEpochSecond(ZoneOffset.ofHours(8));
        int seconds = days * 86_400;
        boolean[] open = new boolean[seconds];
        boolean[] occupied = new boolean[seconds];
        int[] interval = new int[seconds];
        boolean[] evidenceAt = new boolean[seconds + 1]; // an instant of evidence at the start of second i
        boolean[] signOfLife = new boolean[days];
        int[] checkins = new int[days];

        // 3. Replay, filling the seconds between events with the state they were in.
        boolean isOpen = false;
        boolean isOccupied = false;
        int intervalId = 0;
        int filledTo = 0;
        int lastSignOfLife = -1;
        for (DeviceEvent e : events) {
            int t = (int) (e.at().getEpochSecond() - gridStart);
            for (; filledTo < t; filledTo++) {
                open[filledTo] = isOpen;
                occupied[filledTo] = isOccupied;
                interval[filledTo] = intervalId;
            }
            signOfLife[t / 86_400] = true;
            switch (e.body()) {
                case EventBody.Boot b -> {
                    if (isOpen) {
                        for (int s = lastSignOfLife; s < t; s++) {
                            open[s] = false;
                        }
                    }
                    isOpen = false;
                    isOccupied = false;
                }
                case EventBody.Heartbeat h -> {
                }
                case EventBody.StaffOpen o -> {
                    if (!isOpen) {
                        isOpen = true;
                        intervalId++;
                    }
                    evidenceAt[t] = true;
                }
                case EventBody.StaffClose c -> {
                    isOpen = false;
                    evidenceAt[t] = true;
                }
                case EventBody.Presence p -> {
                    // An occupied report is someone there at that instant, even if vacant is reported at once.
                    evidenceAt[t] |= p.occupied();
                    isOccupied = p.occupied();
                }
                case EventBody.CheckIn c -> {
                    checkins[t / 86_400]++;
                    evidenceAt[t] = true;
                }
            }
            lastSignOfLife = t;
        }
        for (; filledTo < seconds; filledTo++) {
            open[filledTo] = isOpen && filledTo < lastSignOfLife;
            occupied[filledTo] = isOccupied;
            interval[filledTo] = intervalId;
        }

        // 4. Unattended: maximal runs of open, unoccupied seconds of one interval, not cut by an instant.
        boolean[] unattended = new boolean[seconds];
        long gap = settings.unattendedGapSeconds();
        int runStart = -1;
        for (int s = 0; s <= seconds; s++) {
            boolean vacant = s < seconds && open[s] && !occupied[s];
            boolean continues = vacant && runStart >= 0 && interval[s] == interval[runStart] && !evidenceAt[s];
            if (runStart >= 0 && !continues) {
                if (s - runStart >= gap) {
                    for (int u = runStart; u < s; u++) {
                        unattended[u] = true;
                    }
                }
                runStart = -1;
            }
            if (vacant && runStart < 0) {
                runStart = s;
            }
        }

        // 5. Days and weeks.
        Thresholds thresholds = settings.thresholdsFor(tier);
        List<DayResult> dayResults = new ArrayList<>();
        List<WeekResult> weekResults = new ArrayList<>();
        long[] attendedByDay = new long[days];
        long[] openByDay = new long[days];
        boolean[] schoolDay = new boolean[days];
        for (int d = 0; d < days; d++) {
            for (int s = d * 86_400; s < (d + 1) * 86_400; s++) {
                openByDay[d] += open[s] ? 1 : 0;
                attendedByDay[d] += open[s] && !unattended[s] ? 1 : 0;
            }
            LocalDate date = firstDay.plusDays(d);
            schoolDay[d] = calendar.isSchoolDay(date);
            if (!date.isBefore(from) && !date.isAfter(to)) {
                Verdict verdict = !schoolDay[d] ? Verdict.NOT_REQUIRED
                        : !signOfLife[d] ? Verdict.NO_DATA
                        : attendedByDay[d] >= thresholds.dailySeconds() ? Verdict.MET : Verdict.NOT_MET;
                dayResults.add(new DayResult(date, schoolDay[d], openByDay[d], attendedByDay[d], checkins[d], verdict));
            }
        }
        for (int w = 0; w < days / 7; w++) {
            int d = 0;
            long attended = 0;
            boolean data = false;
            for (int i = w * 7; i < w * 7 + 7; i++) {
                d += schoolDay[i] ? 1 : 0;
                attended += attendedByDay[i];
                data |= signOfLife[i];
            }
            long weekly = thresholds.weeklySeconds();
            long required = switch (settings.weekPolicy()) {
                case PRORATE -> d == 0 ? 0 : (weekly * Math.min(d, 5) + 4) / 5;
                case FULL -> d == 0 ? 0 : weekly;
                case SKIP -> d < 5 ? 0 : weekly;
            };
            boolean assessed = settings.weekPolicy() == WeekPolicy.SKIP ? d >= 5 : d >= 1;
            Verdict verdict = !assessed ? Verdict.NOT_REQUIRED
                    : !data ? Verdict.NO_DATA
                    : attended >= required ? Verdict.MET : Verdict.NOT_MET;
            LocalDate monday = firstDay.plusDays(w * 7L);
            String name = String.format("%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR),
                    monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            weekResults.add(new WeekResult(name, d, required, attended, verdict));
        }
        return new RoomReport(room, tier, dayResults, weekResults, unsynced, settings);
    }
}
