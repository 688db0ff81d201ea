package cn.xinan.collector.verdict;

import cn.xinan.collector.store.EventStore;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verdicts of docs/rules.md from the day summaries derived from the stored events ({@link DerivedResults}), never from
 * every heartbeat: a room's period reads one summary per day. The days this store's appends changed are recomputed
 * before the summaries are read, so late and out-of-order events count as soon as they are stored (events appended
 * through another replica count once that replica has derived them, within its refresh interval).
 *
 * <p>Each reported week is complete (its seven days are read), and an interval opened before the period counts as
 * the engine on all of the room's events counts it.
 */
public final class VerdictService {
    /** The longest period one request may ask for, in days: a school year with margin. */
    public static final int MAX_PERIOD_DAYS = 400;

    private final DerivedResults derived;
    private final Registry registry;
    private final RulesEngine engine;
    private final SchoolCalendars calendars;

    /** Every school on the same calendar. */
    public VerdictService(EventStore store, Registry registry, RuleSettings settings, SchoolCalendar calendar) {
        this(store, registry, settings, SchoolCalendars.uniform(calendar));
    }

    /** Each room on its school's calendar, summaries kept up to date on this store by a derivation of its own. */
    public VerdictService(EventStore store, Registry registry, RuleSettings settings, SchoolCalendars calendars) {
        this(new DerivedResults(store, settings), registry, calendars);
    }

    /** Each room on its school's calendar, summaries kept up to date by {@code derived}. */
    public VerdictService(DerivedResults derived, Registry registry, SchoolCalendars calendars) {
        this.derived = Objects.requireNonNull(derived, "derived results are missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.engine = new RulesEngine(derived.settings());
        this.calendars = Objects.requireNonNull(calendars, "calendars are missing");
    }

    public RuleSettings settings() {
        return engine.settings();
    }

    /**
     * What the verdicts of a school's rooms for the ISO week starting {@code monday} depend on besides their day
     * summaries and tiers: the rule settings (version, thresholds, week policy, unattended gap) and which of the week's
     * days are school days on the school's calendar (docs/rules.md §4, §5). Equal strings give equal verdicts from the
     * same summaries; the figures writer rewrites a week whose basis changed ({@code FiguresWriter}).
     */
    public String weekBasis(String school, LocalDate monday) {
        RuleSettings s = engine.settings();
        StringBuilder b = new StringBuilder("rules=").append(s.ruleVersion())
                .append(" gap=").append(s.unattendedGapSeconds())
                .append(" week-policy=").append(s.weekPolicy().name());
        for (Tier tier : Tier.values()) {
            Thresholds t = s.thresholdsFor(tier);
            b.append(' ').append(tier.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(t.dailySeconds())
                    .append('/').append(t.weeklySeconds());
        }
        b.append(" school-days=");
        SchoolCalendar calendar = calendars.forSchool(school);
        for (int i = 0; i < 7; i++) {
            b.append(calendar.isSchoolDay(monday.plusDays(i)) ? '1' : '0');
        }
        return b.toString();
    }

    /** @throws UnknownRoomException when the room is not registered */
    public RoomReport room(String roomId, LocalDate from, LocalDate to) {
        registry.room(roomId).orElseThrow(() -> new UnknownRoomException(roomId));
        return rooms(List.of(roomId), from, to).get(0);
    }

    /** The given rooms in the given order, or every registered room when {@code roomIds} is empty. */
    public List<RoomReport> rooms(List<String> roomIds, LocalDate from, LocalDate to) {
        checkPeriod(from, to);
        List<RoomRecord> rooms = new ArrayList<>();
        if (roomIds.isEmpty()) {
            rooms.addAll(registry.rooms());
        } else {
            for (String id : roomIds) {
                rooms.add(registry.room(id).orElseThrow(() -> new UnknownRoomException(id)));
            }
        }
        derived.refresh(roomIds);
        Map<String, List<DaySummary>> summaries = derived.store().summaries(roomIds, WeekResult.mondayOf(from),
                WeekResult.mondayOf(to).plusDays(6));
        List<RoomReport> reports = new ArrayList<>(rooms.size());
        for (RoomRecord room : rooms) {
            reports.add(engine.evaluateSummaries(room.roomId(), room.tier(),
                    summaries.getOrDefault(room.roomId(), List.of()), calendars.forSchool(room.school()), from, to));
        }
        return reports;
    }

    /**
     * One room's report with the day summaries it was computed from (one read): per day also whether the device showed
     * a sign of life and how many events were left out as unsynchronised (docs/rules.md §6). The summaries cover the
     * whole weeks touching the period; days without a summary (no event) are absent.
     *
     * @throws UnknownRoomException when the room is not registered
     */
    public RoomDays roomWithSummaries(String roomId, LocalDate from, LocalDate to) {
        checkPeriod(from, to);
        RoomRecord room = registry.room(roomId).orElseThrow(() -> new UnknownRoomException(roomId));
        derived.refresh(List.of(roomId));
        List<DaySummary> days = derived.store().summaries(List.of(roomId), WeekResult.mondayOf(from),
                WeekResult.mondayOf(to).plusDays(6)).getOrDefault(roomId, List.of());
        return new RoomDays(engine.evaluateSummaries(room.roomId(), room.tier(), days, calendars.forSchool(room.school()),
                from, to), days);
    }

    /** A room's report and the day summaries behind it. */
    public record RoomDays(RoomReport report, List<DaySummary> summaries) {
        public RoomDays {
            Objects.requireNonNull(report, "report is missing");
            summaries = List.copyOf(summaries);
        }
    }

    private static void checkPeriod(LocalDate from, LocalDate to) {
        Objects.requireNonNull(from, "from is missing");
        Objects.requireNonNull(to, "to is missing");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_PERIOD_DAYS) {
            throw new IllegalArgumentException("the period from " + from + " to " + to + " is longer than "
                    + MAX_PERIOD_DAYS + " days");
        }
    }
}
