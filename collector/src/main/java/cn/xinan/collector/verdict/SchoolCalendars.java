package cn.xinan.collector.verdict;

import cn.xinan.collector.CalendarSources;
import cn.xinan.rules.calendar.CalendarFiles;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The calendar of each school: national schedule, then the bureau's layer, then the school's own
 * layer when it has one. Everything is read and validated once, at start; a malformed file fails
 * the start with its name and line ({@link cn.xinan.rules.calendar.CalendarFileException}).
 */
public final class SchoolCalendars {
    private final SchoolCalendar bureauCalendar;
    private final Map<String, SchoolCalendar> schoolCalendars;

    private SchoolCalendars(SchoolCalendar bureauCalendar, Map<String, SchoolCalendar> schoolCalendars) {
        this.bureauCalendar = Objects.requireNonNull(bureauCalendar, "calendar is missing");
        this.schoolCalendars = Map.copyOf(schoolCalendars);
    }

    /** One calendar for every school (tests, and a bureau without school overrides). */
    public static SchoolCalendars uniform(SchoolCalendar calendar) {
        return new SchoolCalendars(calendar, Map.of());
    }

    /** Reads every source; {@code schoolsDir/{school}.json} files become that school's layer. */
    public static SchoolCalendars load(CalendarSources sources) {
        NationalCalendar national = sources.nationalDir().map(NationalCalendar::load).orElseGet(NationalCalendar::bundled);
        CalendarLayer bureau = sources.bureauFile().map(CalendarFiles::readLayer).orElse(CalendarLayer.EMPTY);
        Map<String, SchoolCalendar> schools = new HashMap<>();
        if (sources.schoolsDir().isPresent()) {
            Path dir = sources.schoolsDir().get();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    String name = file.getFileName().toString();
                    String school = name.substring(0, name.length() - ".json".length());
                    schools.put(school, SchoolCalendar.of(national, bureau, CalendarFiles.readLayer(file)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("calendar.schools-dir " + dir + ": cannot list: " + e.getMessage(), e);
            }
        }
        return new SchoolCalendars(SchoolCalendar.of(national, bureau), schools);
    }

    /** The school's calendar: its own layer over the bureau's, or the bureau's when it has none. */
    public SchoolCalendar forSchool(String school) {
        return schoolCalendars.getOrDefault(school, bureauCalendar);
    }
}
