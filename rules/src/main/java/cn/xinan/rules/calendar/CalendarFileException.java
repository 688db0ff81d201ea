package cn.xinan.rules.calendar;

/**
 * A calendar file that cannot be used: missing, not JSON, or not in the documented format
 * (docs/calendar.md). The message names the file, the line (when known), the field and what is wrong, for
 * example {@code 2027.json line 4: "holidays"[2] is not a date: "2027-02-30"}.
 */
public final class CalendarFileException extends RuntimeException {
    private final String file;
    private final int line;

    CalendarFileException(String file, int line, String problem, Throwable cause) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The file as it was named to the reader. */
    public String file() {
        return file;
    }

    /** The line of the problem, 1-based, or 0 when it concerns the file as a whole. */
    public int line() {
        return line;
    }
}
