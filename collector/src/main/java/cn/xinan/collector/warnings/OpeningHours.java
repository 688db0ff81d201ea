package cn.xinan.collector.warnings;

import java.time.LocalTime;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A room's posted opening hours on a school day, local time (Asia/Shanghai), for example {@code 12:00-17:30}.
 * The warnings use them to place the day's checkpoint and to tell whether a silent device matters.
 */
public record OpeningHours(LocalTime start, LocalTime end) {
    private static final Pattern TEXT = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

    public OpeningHours {
        Objects.requireNonNull(start, "start is missing");
        Objects.requireNonNull(end, "end is missing");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("opening hours must end after they start: " + start + "-" + end);
        }
    }

    /** Parses {@code HH:MM-HH:MM}. */
    public static OpeningHours parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("opening hours '" + text + "' are not like 12:00-17:30");
        }
        try {
            return new OpeningHours(LocalTime.parse(m.group(1)), LocalTime.parse(m.group(2)));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("opening hours '" + text + "' hold an impossible time", e);
        }
    }

    public boolean contains(LocalTime time) {
        return !time.isBefore(start) && time.isBefore(end);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
