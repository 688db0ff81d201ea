package cn.xinan.collector.verdict;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verdicts of docs/rules.md computed from the stored events, which are the only source of truth: nothing is
 * cached, so late and out-of-order events count as soon as they are stored.
 *
 * <p>For a period {@code [from, to]} the engine gets the room's events from one week before the Monday of
 * {@code from}'s week (an interval opened earlier still counts) to one day after the Sunday of {@code to}'s
 * week (every reported week is complete).
 */
public final class VerdictService {
    /** The longest period one request may ask for, in days: a school year with margin. */
    public static final int MAX_PERIOD_DAYS = 400;

    private final EventStore store;
    private final Registry registry;
    private final RulesEngine engine;
    private final SchoolCalendars calendars;

    /** Every school on the same calendar. */
    public VerdictService(EventStore store, Registry registry, RuleSettings settings, SchoolCalendar calendar) {
        this(store, registry, settings, SchoolCalendars.uniform(calendar));
    }

    /** Each room on its school's calendar. */
    public VerdictService(EventStore store, Registry registry, RuleSettings settings, SchoolCalendars calendars) {
        this.store = Objects.requireNonNull(store, "store is missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.engine = new RulesEngine(settings);
        this.calendars = Objects.requireNonNull(calendars, "calendars are missing");
    }

    public RuleSettings settings() {
        return engine.settings();
    }

    /** @throws UnknownRoomException when the room is not registered */
    public RoomReport room(String roomId, LocalDate from, LocalDate to) {
        RoomRecord room = registry.room(roomId).orElseThrow(() -> new UnknownRoomException(roomId));
        checkPeriod(from, to);
        LocalDate firstDay = WeekResult.mondayOf(from).minusDays(7);
        LocalDate afterLastDay = WeekResult.mondayOf(to).plusDays(8);
        Instant start = firstDay.atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant end = afterLastDay.atStartOfDay(RulesEngine.ZONE).toInstant();
        List<StoredEvent> stored = store.eventsForRoom(roomId, start, end);
        List<DeviceEvent> events = new ArrayList<>(stored.size());
        for (StoredEvent s : stored) {
            events.add(s.event());
        }
        return engine.evaluate(roomId, room.tier(), events, calendars.forSchool(room.school()), from, to);
    }

    /** The given rooms in the given order, or every registered room when {@code roomIds} is empty. */
    public List<RoomReport> rooms(List<String> roomIds, LocalDate from, LocalDate to) {
        checkPeriod(from, to);
        List<String> ids = roomIds.isEmpty() ? registry.rooms().stream().map(RoomRecord::roomId).toList() : roomIds;
        for (String id : ids) {
            if (registry.room(id).isEmpty()) {
                throw new UnknownRoomException(id);
            }
        }
        List<RoomReport> reports = new ArrayList<>(ids.size());
        for (String id : ids) {
            reports.add(room(id, from, to));
        }
        return reports;
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
