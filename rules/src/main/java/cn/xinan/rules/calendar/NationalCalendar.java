package cn.xinan.rules.calendar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The national holiday and make-up workday schedule (docs/rules.md §4), one {@link NationalYear} per year.
 *
 * <p>The years 2023–2026 ship with the software as {@code cn/xinan/rules/calendar/national/YYYY.json}
 * ({@link #bundled()}); a new year's notice is added without a release by dropping {@code YYYY.json} into a
 * directory given to {@link #load(Path)}, where a file for a year replaces the bundled one. For a year
 * without data, weekdays are working days and weekends are not ({@link #covers(int)} tells which years are
 * known). Immutable and thread-safe.
 */
public final class NationalCalendar {
    /** Where the bundled files live on the class path. */
    public static final String BUNDLED_PATH = "cn/xinan/rules/calendar/national/";
    private static final int FIRST_YEAR = 2000;
    private static final int LAST_YEAR = 2099;

    private final Map<Integer, NationalYear> years;
    /** Every listed date: true for a make-up workday, false for a holiday (later years win on conflicts). */
    private final Map<LocalDate, Boolean> listed;

    private NationalCalendar(Map<Integer, NationalYear> years) {
        this.years = Collections.unmodifiableMap(new TreeMap<>(years));
        Map<LocalDate, Boolean> dates = new HashMap<>();
        for (NationalYear year : this.years.values()) {
            year.holidays().forEach(d -> dates.put(d, Boolean.FALSE));
            year.workdays().forEach(d -> dates.put(d, Boolean.TRUE));
        }
        this.listed = Map.copyOf(dates);
    }

    /** A schedule of exactly {@code years}; when two are for the same year the later one wins. */
    public static NationalCalendar of(Collection<NationalYear> years) {
        Map<Integer, NationalYear> byYear = new HashMap<>();
        years.forEach(y -> byYear.put(y.year(), y));
        return new NationalCalendar(byYear);
    }

    /** The schedule shipped with this release (2023–2026). */
    public static NationalCalendar bundled() {
        return Bundled.CALENDAR;
    }

    /**
     * The bundled schedule plus every {@code YYYY.json} in {@code directory}, each replacing the bundled file
     * of its year. Other files are ignored, so the directory may hold a README.
     *
     * @throws CalendarFileException when the directory is missing or a file in it is malformed
     */
    public static NationalCalendar load(Path directory) {
        Map<Integer, NationalYear> byYear = new HashMap<>(bundled().years);
        if (!Files.isDirectory(directory)) {
            throw new CalendarFileException(directory.toString(), 0, "national calendar directory not found",
                    null);
        }
        SortedSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(directory, "*.json")) {
            list.forEach(files::add);
        } catch (IOException e) {
            throw new CalendarFileException(directory.toString(), 0, "cannot be listed: " + e, e);
        }
        for (Path file : files) {
            NationalYear year = CalendarFiles.readNationalYear(file);
            byYear.put(year.year(), year);
        }
        return new NationalCalendar(byYear);
    }

    /** The years this schedule has data for, in order. */
    public SortedSet<Integer> years() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(years.keySet()));
    }

    /** Whether the notice of {@code year} is known. */
    public boolean covers(int year) {
        return years.containsKey(year);
    }

    /** The data of {@code year}, if known. */
    public Optional<NationalYear> year(int year) {
        return Optional.ofNullable(years.get(year));
    }

    /** Whether {@code date} is a statutory holiday (放假). */
    public boolean isHoliday(LocalDate date) {
        return Boolean.FALSE.equals(listed.get(date));
    }

    /** Whether {@code date} is a statutory make-up workday (调休上班日). */
    public boolean isMakeUpWorkday(LocalDate date) {
        return Boolean.TRUE.equals(listed.get(date));
    }

    /** Whether people work on {@code date}: a make-up workday, or a weekday that is not a holiday. */
    public boolean isWorkingDay(LocalDate date) {
        Boolean workday = listed.get(date);
        if (workday != null) {
            return workday;
        }
        DayOfWeek day = date.getDayOfWeek();
        return day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY;
    }

    /** Loaded once, on first use. */
    private static final class Bundled {
        static final NationalCalendar CALENDAR = loadBundled();

        private static NationalCalendar loadBundled() {
            Map<Integer, NationalYear> byYear = new HashMap<>();
            ClassLoader loader = NationalCalendar.class.getClassLoader();
            for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
                String name = BUNDLED_PATH + year + ".json";
                InputStream in = loader.getResourceAsStream(name);
                if (in == null) {
                    continue;
                }
                try (Reader content = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    byYear.put(year, CalendarFiles.readNationalYear(name, content));
                } catch (IOException e) {
                    throw new CalendarFileException(name, 0, "cannot be read: " + e, e);
                }
            }
            return new NationalCalendar(byYear);
        }
    }
}
