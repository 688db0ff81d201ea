package cn.xinan.collector.warnings;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Objects;

/**
 * Hours in which no warning is delivered (local time); deliveries wait until they end. May span midnight
 * ({@code 21:00-07:30}).
 */
public record QuietHours(LocalTime start, LocalTime end) {
    public QuietHours {
        Objects.requireNonNull(start, "start is missing");
        Objects.requireNonNull(end, "end is missing");
        if (start.equals(end)) {
            throw new IllegalArgumentException("quiet hours must not start and end at the same time: " + start);
        }
    }

    /** Parses {@code HH:MM-HH:MM}. */
    public static QuietHours parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("quiet hours '" + text + "' are not like 21:00-07:30");
        }
        try {
            return new QuietHours(LocalTime.parse(parts[0]), LocalTime.parse(parts[1]));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("quiet hours '" + text + "' are not like 21:00-07:30", e);
        }
    }

    public boolean contains(LocalTime time) {
        if (start.isBefore(end)) {
            return !time.isBefore(start) && time.isBefore(end);
        }
        return !time.isBefore(start) || time.isBefore(end);
    }

    /** The first local time at or after {@code now} outside the quiet hours. */
    public LocalDateTime nextAllowed(LocalDateTime now) {
        if (!contains(now.toLocalTime())) {
            return now;
        }
        LocalDateTime endToday = now.toLocalDate().atTime(end);
        return endToday.isAfter(now) ? endToday : endToday.plusDays(1);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
