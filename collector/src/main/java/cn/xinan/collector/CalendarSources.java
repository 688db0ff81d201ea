package cn.xinan.collector;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the school calendars come from (docs/calendar.md): the national schedule (bundled, plus a
 * folder of newer or corrected {@code YYYY.json} files, so a new State Council notice needs no
 * release), the bureau's layer (terms, closures, extra holidays and workdays) and per-school layers
 * that override it ({@code {school}.json}, the school id of rooms.csv).
 *
 * @param bureauFile  {@code calendar.file}: the bureau's CALENDAR.json; empty for none
 * @param nationalDir {@code calendar.national-dir}: extra national year files; empty for the bundled ones only
 * @param schoolsDir  {@code calendar.schools-dir}: per-school layers; empty for none
 */
public record CalendarSources(Optional<Path> bureauFile, Optional<Path> nationalDir, Optional<Path> schoolsDir) {
    public CalendarSources {
        Objects.requireNonNull(bureauFile, "calendar.file is missing (use Optional.empty())");
        Objects.requireNonNull(nationalDir, "calendar.national-dir is missing (use Optional.empty())");
        Objects.requireNonNull(schoolsDir, "calendar.schools-dir is missing (use Optional.empty())");
    }

    /** The bundled national schedule with an optional bureau layer and nothing else. */
    public static CalendarSources bureau(Optional<Path> bureauFile) {
        return new CalendarSources(bureauFile, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return "CalendarSources[file=" + bureauFile.map(Path::toString).orElse("(none: every working day in term)")
                + ", national-dir=" + nationalDir.map(Path::toString).orElse("(bundled years only)")
                + ", schools-dir=" + schoolsDir.map(Path::toString).orElse("(none)") + "]";
    }
}
