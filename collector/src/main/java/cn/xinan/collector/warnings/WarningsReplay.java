package cn.xinan.collector.warnings;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.event.DeviceEvent;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The warnings a collector would have sent over a stretch of stored history ({@code xinan replay --warnings FILE}),
 * so a bureau can try its settings on last term's data before turning them on. The {@link WarningService} runs on a
 * simulated clock stepping through the period; at each step it sees only the events recorded up to then. Every
 * message it would have delivered is written as one JSON object a line, with the simulated time it would have gone
 * out and the target it would have gone to (quiet hours and digests included). With no targets in the settings, one
 * city-wide target named {@code replay} stands in, so every warning is written once.
 */
public final class WarningsReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventStore store;
    private final Registry registry;
    private final RuleSettings rules;
    private final SchoolCalendars calendars;
    private final WarningSettings settings;

    public WarningsReplay(EventStore store, Registry registry, RuleSettings rules, SchoolCalendars calendars,
                          WarningSettings settings) {
        this.store = Objects.requireNonNull(store, "store is missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.rules = Objects.requireNonNull(rules, "rules are missing");
        this.calendars = Objects.requireNonNull(calendars, "calendars are missing");
        WarningSettings s = Objects.requireNonNull(settings, "settings are missing");
        this.settings = s.targets().isEmpty() ? s.withTargets(List.of(new WebhookTarget("replay",
                WarningScope.parse("city"), WebhookFormat.JSON, URI.create("http://replay.invalid/"), Optional.empty()))) : s;
    }

    /**
     * Steps from {@code from} to {@code to} every {@code step} and writes what would have been sent.
     *
     * @return how many messages were written
     */
    public int run(Instant from, Instant to, Duration step, Writer out) throws IOException {
        RulesEngine engine = new RulesEngine(rules);
        Map<String, List<DeviceEvent>> eventsByRoom = new HashMap<>();
        Instant historyStart = from.minus(Duration.ofDays(7L * (WarningService.WEEKS_BACK + 2)));
        for (RoomRecord room : registry.rooms()) {
            List<DeviceEvent> events = new ArrayList<>();
            for (StoredEvent e : store.eventsForRoom(room.roomId(), historyStart, to.plus(Duration.ofDays(8)))) {
                events.add(e.event());
            }
            events.sort(Comparator.comparing(DeviceEvent::at));
            eventsByRoom.put(room.roomId(), events);
        }
        SteppingClock clock = new SteppingClock(from);
        WarningService.Reports reports = (roomId, f, t) -> {
            RoomRecord room = registry.room(roomId).orElseThrow();
            return engine.evaluate(roomId, room.tier(), upTo(eventsByRoom.get(roomId), clock.instant()),
                    calendars.forSchool(room.school()), f, t);
        };
        WarningService.SignsOfLife signs = roomId -> {
            List<DeviceEvent> seen = upTo(eventsByRoom.get(roomId), clock.instant());
            return seen.isEmpty() ? Optional.empty() : Optional.of(seen.getLast().at());
        };
        int[] written = {0};
        IOException[] failure = {null};
        WarningService.Sender sender = (target, message) -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("sentAt", clock.instant().toString());
            line.put("target", target.name());
            line.put("id", message.id());
            line.put("title", message.title());
            line.put("text", message.text());
            line.put("link", message.link());
            line.putAll(message.fields());
            try {
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
                written[0]++;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write a warning line: " + e.getMessage(), e);
            } catch (IOException e) {
                failure[0] = e;
            }
        };
        WarningService service = new WarningService(settings, engine, registry, reports, signs, WarningBook.inMemory(),
                sender, clock);
        for (Instant t = from; !t.isAfter(to); t = t.plus(step)) {
            clock.now = t;
            service.tick();
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        out.flush();
        return written[0];
    }

    private static List<DeviceEvent> upTo(List<DeviceEvent> sorted, Instant now) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).at().isAfter(now)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return sorted.subList(0, lo);
    }

    private static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant start) {
            this.now = start;
        }

        @Override
        public ZoneId getZone() {
            return RulesEngine.ZONE;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
