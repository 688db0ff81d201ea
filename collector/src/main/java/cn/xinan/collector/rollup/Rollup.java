package cn.xinan.collector.rollup;

import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Rooms' verdicts summed up for bureau staff (docs/web-ui.md): the whole selection, and one line per county, school
 * or room. Pure: the rooms, their reports (from the day summaries, {@code VerdictService}) and the day the figures are
 * read on come in; nothing is computed from events here.
 *
 * <p>Two populations: the tier counts ({@link Line#tiers}) and so the shares against the plan's {@link Targets} are
 * always of every room of the group ({@code allRooms}); the compliance figures are of the rooms of the selected tiers
 * ({@code reports}). Only finished units count in the rates, as on the dashboards: days before {@code today} and
 * weeks whose Sunday is before it (docs/rules.md §5: {@code NO_DATA} counts as not met, {@code NOT_REQUIRED} is left
 * out).
 */
public final class Rollup {
    /** What one line groups by. */
    public enum Level {
        COUNTY, SCHOOL, ROOM;

        /** @throws IllegalArgumentException naming the value and the accepted ones */
        public static Level parse(String text) {
            for (Level l : values()) {
                if (l.name().equalsIgnoreCase(text)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("level '" + text + "' must be county, school or room");
        }

        String keyOf(RoomRecord r) {
            return switch (this) {
                case COUNTY -> r.county();
                case SCHOOL -> r.school();
                case ROOM -> r.roomId();
            };
        }
    }

    /**
     * One group's figures.
     *
     * @param key                the county's name, the school's id or the room's id ({@code ""} for the whole selection)
     * @param name               what people call it: the county, the school's name, the room's name
     * @param county             the county of the group (empty for the whole selection)
     * @param school             the school id (for a school or a room line; empty otherwise)
     * @param schoolName         the school's name (for a school or a room line; empty otherwise)
     * @param tiers              every room of the group by tier, whatever tiers were selected
     * @param rooms              rooms of the selected tiers
     * @param metDays            finished school days met
     * @param requiredDays       finished school days (MET, NOT_MET, NO_DATA)
     * @param noDataDays         finished school days without any sign of life
     * @param metWeeks           finished assessed weeks met
     * @param requiredWeeks      finished assessed weeks
     * @param roomsEveryWeekMet  rooms of the selected tiers with at least one finished assessed week, all of them met
     * @param attendedSeconds    attended seconds of the period's days (finished or not)
     * @param openSeconds        open seconds of the period's days (finished or not)
     * @param checkins           check-ins of the period's days
     */
    public record Line(String key, String name, String county, String school, String schoolName,
                       Map<Tier, Integer> tiers, int rooms, int metDays, int requiredDays, int noDataDays, int metWeeks,
                       int requiredWeeks, int roomsEveryWeekMet, long attendedSeconds, long openSeconds, int checkins) {
        public Line {
            Objects.requireNonNull(key, "key is missing");
            Objects.requireNonNull(name, "name is missing");
            tiers = Map.copyOf(tiers);
            if (metDays < 0 || metDays > requiredDays || noDataDays < 0 || noDataDays > requiredDays - metDays) {
                throw new IllegalArgumentException("days of " + key + ": met " + metDays + ", no data " + noDataDays
                        + " must lie within the " + requiredDays + " required");
            }
            if (metWeeks < 0 || metWeeks > requiredWeeks || roomsEveryWeekMet < 0 || roomsEveryWeekMet > rooms) {
                throw new IllegalArgumentException("weeks of " + key + ": met " + metWeeks + " of " + requiredWeeks
                        + ", rooms with every week met " + roomsEveryWeekMet + " of " + rooms);
            }
            if (rooms < 0 || rooms > tiers.values().stream().mapToInt(Integer::intValue).sum()) {
                throw new IllegalArgumentException("rooms of " + key + ": " + rooms + " selected of " + tiers);
            }
        }

        public int allRooms() {
            return tiers.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Rooms rated 合格 or better (a 示范 room is qualified too). */
        public int qualifiedRooms() {
            return tiers.getOrDefault(Tier.QUALIFIED, 0) + tiers.getOrDefault(Tier.DEMONSTRATION, 0);
        }

        public int demonstrationRooms() {
            return tiers.getOrDefault(Tier.DEMONSTRATION, 0);
        }

        /** Whether the shares of rated rooms reach the targets ({@code false} for a group without rooms). */
        public boolean meetsQualifiedTarget(Targets targets) {
            return allRooms() > 0 && 100L * qualifiedRooms() >= (long) targets.qualifiedPercent() * allRooms();
        }

        public boolean meetsDemonstrationTarget(Targets targets) {
            return allRooms() > 0 && 100L * demonstrationRooms() >= (long) targets.demonstrationPercent() * allRooms();
        }
    }

    /**
     * One room's finished units (docs/rules.md §5): school days before {@code today} and assessed weeks whose Sunday is
     * before it; the rates of a rollup line and of a room's page.
     *
     * @param metDays       finished school days met
     * @param requiredDays  finished school days (MET, NOT_MET, NO_DATA)
     * @param noDataDays    finished school days without any sign of life
     * @param metWeeks      finished assessed weeks met
     * @param requiredWeeks finished assessed weeks
     */
    public record Compliance(int metDays, int requiredDays, int noDataDays, int metWeeks, int requiredWeeks) {
        public static Compliance of(RoomReport report, LocalDate today) {
            int metDays = 0;
            int requiredDays = 0;
            int noDataDays = 0;
            for (DayResult d : report.days()) {
                if (d.date().isBefore(today) && d.verdict().isRequired()) {
                    requiredDays++;
                    metDays += d.verdict() == Verdict.MET ? 1 : 0;
                    noDataDays += d.verdict() == Verdict.NO_DATA ? 1 : 0;
                }
            }
            int metWeeks = 0;
            int requiredWeeks = 0;
            for (WeekResult w : report.weeks()) {
                if (sundayOf(w).isBefore(today) && w.verdict().isRequired()) {
                    requiredWeeks++;
                    metWeeks += w.verdict() == Verdict.MET ? 1 : 0;
                }
            }
            return new Compliance(metDays, requiredDays, noDataDays, metWeeks, requiredWeeks);
        }
    }

    /**
     * @param total the whole selection
     * @param lines one per group of the level, in county, school, room order
     */
    public record Result(Line total, List<Line> lines) {
        public Result {
            Objects.requireNonNull(total, "total is missing");
            lines = List.copyOf(lines);
        }
    }

    private Rollup() {
    }

    /**
     * @param allRooms    every room of the selection (county, school narrowing applied), any tier
     * @param reports     the reports of the rooms of the selected tiers, by room id
     * @param schoolNames a school id's name
     * @param today       the local day the figures are read on: it and later days are unfinished
     */
    public static Result of(Collection<RoomRecord> allRooms, Map<String, RoomReport> reports, Level level,
                            Function<String, String> schoolNames, LocalDate today) {
        List<RoomRecord> sorted = allRooms.stream()
                .sorted(java.util.Comparator.comparing(RoomRecord::county).thenComparing(RoomRecord::school)
                        .thenComparing(RoomRecord::roomId))
                .toList();
        Map<String, List<RoomRecord>> groups = new LinkedHashMap<>();
        for (RoomRecord r : sorted) {
            groups.computeIfAbsent(level.keyOf(r), k -> new ArrayList<>()).add(r);
        }
        List<Line> lines = new ArrayList<>();
        for (Map.Entry<String, List<RoomRecord>> g : groups.entrySet()) {
            RoomRecord first = g.getValue().getFirst();
            String school = level == Level.COUNTY ? "" : first.school();
            String schoolName = level == Level.COUNTY ? "" : schoolNames.apply(first.school());
            String name = switch (level) {
                case COUNTY -> first.county();
                case SCHOOL -> schoolName;
                case ROOM -> first.name();
            };
            lines.add(line(g.getKey(), name, first.county(), school, schoolName, g.getValue(), reports, today));
        }
        Set<String> counties = new java.util.TreeSet<>();
        sorted.forEach(r -> counties.add(r.county()));
        Line total = line("", "", counties.size() == 1 ? counties.iterator().next() : "", "", "", sorted, reports, today);
        return new Result(total, lines);
    }

    private static Line line(String key, String name, String county, String school, String schoolName,
                             List<RoomRecord> rooms, Map<String, RoomReport> reports, LocalDate today) {
        Map<Tier, Integer> tiers = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            tiers.put(t, 0);
        }
        int selected = 0;
        int metDays = 0;
        int requiredDays = 0;
        int noDataDays = 0;
        int metWeeks = 0;
        int requiredWeeks = 0;
        int everyWeekMet = 0;
        long attended = 0;
        long open = 0;
        int checkins = 0;
        for (RoomRecord r : rooms) {
            tiers.merge(r.tier(), 1, Integer::sum);
            RoomReport report = reports.get(r.roomId());
            if (report == null) {
                continue; // a room of a tier not selected
            }
            selected++;
            for (DayResult d : report.days()) {
                attended += d.attendedSeconds();
                open += d.openSeconds();
                checkins += d.checkins();
            }
            Compliance c = Compliance.of(report, today);
            requiredDays += c.requiredDays();
            metDays += c.metDays();
            noDataDays += c.noDataDays();
            requiredWeeks += c.requiredWeeks();
            metWeeks += c.metWeeks();
            everyWeekMet += c.requiredWeeks() > 0 && c.metWeeks() == c.requiredWeeks() ? 1 : 0;
        }
        return new Line(key, name, county, school, schoolName, tiers, selected, metDays, requiredDays, noDataDays,
                metWeeks, requiredWeeks, everyWeekMet, attended, open, checkins);
    }

    /** The last day of a reported week: the week counts as finished from the day after it. */
    public static LocalDate sundayOf(WeekResult week) {
        return mondayOfWeek(week).plusDays(6);
    }

    /** The Monday of an ISO week named like {@code 2025-W10}. */
    static LocalDate mondayOfWeek(WeekResult week) {
        int year = Integer.parseInt(week.week().substring(0, 4));
        int number = Integer.parseInt(week.week().substring(6));
        return LocalDate.of(year, 1, 4).with(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR, number)
                .with(java.time.DayOfWeek.MONDAY);
    }
}
