package cn.xinan.collector.warnings;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.testing.ManualClock;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test fixture: one room ({@code jm-db-001-r1}, 合格, 08:00-17:30 posted hours) whose device log is written day by day
 * in local times, a calendar with chosen holidays and make-up days, a stepping clock, and a recording sender; the
 * {@link WarningService} under test reads the real rules engine's reports of the events recorded up to the clock's now.
 */
final class WarningFixture {
    static final ZoneId ZONE = RulesEngine.ZONE;
    static final String ROOM = "jm-db-001-r1";
    static final RoomRecord ROOM_RECORD = new RoomRecord("东宝区", "jm-db-001", ROOM, Tier.QUALIFIED, "东宝实验小学心理辅导室");

    final ManualClock clock;
    final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    final Set<LocalDate> holidays = new HashSet<>();
    final Set<LocalDate> makeUpDays = new HashSet<>();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final RulesEngine engine = new RulesEngine(RuleSettings.defaults());
    /** What the room's devices report of their health at a moment (none unless a test says). */
    volatile java.util.function.Function<Instant, List<DeviceReport>> deviceHealth = now -> List.of();
    private long seq;

    record Sent(String target, Message message) {
    }

    WarningFixture(LocalDateTime start) {
        this.clock = new ManualClock(start.atZone(ZONE).toInstant(), ZONE);
    }

    SchoolCalendar calendar() {
        return date -> makeUpDays.contains(date) || (date.getDayOfWeek().getValue() <= 5 && !holidays.contains(date));
    }

    WarningService service(WarningSettings settings, WarningBook book, WarningService.Sender sender) {
        return service(settings, book, sender, null);
    }

    /** One of the replicas sharing {@code book}'s store, acting while it holds {@code lease} (null: the only one). */
    WarningService service(WarningSettings settings, WarningBook book, WarningService.Sender sender, Lease lease) {
        Registry registry = new Registry(List.of(ROOM_RECORD), List.of());
        WarningService.Reports reports = (room, from, to) -> {
            Instant now = clock.instant();
            List<DeviceEvent> upToNow = events.stream().filter(e -> !e.at().isAfter(now)).toList();
            return engine.evaluate(room, Tier.QUALIFIED, upToNow, calendar(), from, to);
        };
        WarningService.SignsOfLife signs = room -> {
            Instant now = clock.instant();
            return events.stream().map(DeviceEvent::at).filter(t -> !t.isAfter(now)).max(Instant::compareTo);
        };
        return new WarningService(settings, engine, registry, reports, signs, room -> deviceHealth.apply(clock.instant()),
                book, sender, clock, lease);
    }

    /** A sender that records every message and succeeds. */
    WarningService.Sender recordingSender() {
        return (target, message) -> sent.add(new Sent(target.name(), message));
    }

    /**
     * A school day as a diligent device sees it: boot 07:50, heartbeats every minute to 17:30, and, when
     * {@code openMinutes > 0}, the room opened at 08:00, occupied until it is closed {@code openMinutes} later.
     */
    WarningFixture day(LocalDate date, int openMinutes) {
        return dayWithSilence(date, openMinutes, null, null);
    }

    /** As {@link #day}, with the device silent (no heartbeat) from {@code silentFrom} to {@code silentTo}. */
    WarningFixture dayWithSilence(LocalDate date, int openMinutes, LocalTime silentFrom, LocalTime silentTo) {
        LocalTime boot = LocalTime.of(7, 50);
        add(date, boot, new EventBody.Boot("power_on", null));
        LocalTime open = LocalTime.of(8, 0);
        LocalTime close = open.plusMinutes(openMinutes);
        if (openMinutes > 0) {
            add(date, open, new EventBody.StaffOpen("T01"));
            add(date, open, new EventBody.Presence(true));
            add(date, open.plusMinutes(5), new EventBody.CheckIn(Purpose.INDIVIDUAL, Stage.PRIMARY));
        }
        for (LocalTime t = boot.plusMinutes(1); !t.isAfter(LocalTime.of(17, 30)); t = t.plusMinutes(1)) {
            boolean silent = silentFrom != null && !t.isBefore(silentFrom) && t.isBefore(silentTo);
            if (!silent) {
                add(date, t, new EventBody.Heartbeat());
            }
            if (openMinutes > 0 && t.equals(close)) {
                add(date, t, new EventBody.Presence(false));
                add(date, t, new EventBody.StaffClose("T01"));
            }
        }
        return this;
    }

    /** {@link #day} for every school day (of {@link #calendar()}) from {@code from} to {@code to}. */
    WarningFixture schoolDays(LocalDate from, LocalDate to, int openMinutes) {
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (calendar().isSchoolDay(d)) {
                day(d, openMinutes);
            }
        }
        return this;
    }

    private void add(LocalDate date, LocalTime time, EventBody body) {
        seq++;
        events.add(new DeviceEvent("dev-a-" + seq, "dev-a", seq, date.atTime(time).atZone(ZONE).toInstant(), true, body));
    }

    /** Ticks the service every {@code step} from the clock's now to {@code until} (local), inclusive. */
    void run(WarningService service, LocalDateTime until, Duration step) {
        Instant end = until.atZone(ZONE).toInstant();
        while (!clock.instant().isAfter(end)) {
            service.tick();
            clock.advance(step);
        }
        clock.set(end);
    }

    List<Sent> sentOfKind(WarningKind kind) {
        return sent.stream().filter(s -> kind.wireName().equals(s.message().fields().get("kind"))).toList();
    }

    static LocalDate monday(LocalDate any) {
        return any.with(DayOfWeek.MONDAY);
    }

    static WarningSettings settings(WebhookTarget... targets) {
        return WarningSettings.defaults().withTargets(List.of(targets)).withDigestAt(Optional.empty());
    }

    static WebhookTarget target(String name, WebhookFormat format, String url, String secret) {
        return new WebhookTarget(name, WarningScope.parse("city"), format, java.net.URI.create(url),
                Optional.ofNullable(secret));
    }

    static List<String> ids(List<Warning> warnings) {
        List<String> out = new ArrayList<>();
        warnings.forEach(w -> out.add(w.id() + " " + w.state()));
        return out;
    }
}
