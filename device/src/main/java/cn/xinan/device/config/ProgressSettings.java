package cn.xinan.device.config;

import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.util.Objects;

/**
 * What the kiosk's progress figures are computed with: the rule settings and the school calendar of this
 * room, as the bureau's collector has them (docs/kiosk.md, "Progress figures"). Read once, at start.
 *
 * @param rules          {@code rules.*}: thresholds, week policy and unattended gap (the same for every tier: a
 *                       device knows only its own room)
 * @param calendar       {@code calendar.*}: the national schedule, the bureau's layer, the school's layer
 * @param calendarSource where the calendar came from, for the start-up log (for example
 *                       {@code bundled national schedule + /etc/xinan/calendar.json})
 */
public record ProgressSettings(RuleSettings rules, SchoolCalendar calendar, String calendarSource) {
    /** The rules' defaults and the bundled national schedule (every working day a school day). */
    public static final ProgressSettings DEFAULTS = new ProgressSettings(RuleSettings.defaults(),
            SchoolCalendar.of(NationalCalendar.bundled()), "bundled national schedule");

    public ProgressSettings {
        Objects.requireNonNull(rules, "rules are missing");
        Objects.requireNonNull(calendar, "calendar is missing");
        Objects.requireNonNull(calendarSource, "calendar source is missing");
    }
}
