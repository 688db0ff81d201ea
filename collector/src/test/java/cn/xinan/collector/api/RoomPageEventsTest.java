package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.AccessSettings;
import cn.xinan.collector.audit.AuditService;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.Accounts;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.SignedEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room page's outages as intervals and its events left out or received late ({@code GET /api/v1/rooms/{room}/detail}),
 * over one week of room r1 (示范): Monday the docs/rules.md §8 worked example, received at once, with a vacancy at 12:30
 * received two days late (it changes nothing); Tuesday heartbeats 07:50–16:00 but none from 10:00 to 11:30, and a
 * 90-minute session received two days late (without it the day was NOT_MET, with it MET); Wednesday heartbeats
 * 07:50–16:00 and a check-in recorded before the clock was synchronised (left out); nothing after. Read on 2025-06-01.
 */
@RoutingTest
class RoomPageEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);
    private static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled());
    private static Path dir;
    private static EventStore store;
    private static Accounts accounts;

    private final DirectClient client;

    RoomPageEventsTest(DirectClient client) {
        this.client = client;
    }

    private static Instant local(LocalDate day, int hour, int minute) {
        return day.atTime(hour, minute).atZone(RulesEngine.ZONE).toInstant();
    }

    private static void heartbeats(TestDevice d, LocalDate day, int fromHour, int fromMinute, int toHour, int toMinute,
                                   List<StoredEvent> out) {
        for (Instant t = local(day, fromHour, fromMinute); !t.isAfter(local(day, toHour, toMinute)); t = t.plusSeconds(60)) {
            out.add(new StoredEvent(d.heartbeat(t), "r1", t.plusSeconds(30)));
        }
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        dir = Files.createTempDirectory("xinan-room-page-test");
        store = SqliteEventStore.open(dir.resolve("events.db"));
        TestDevice d = new TestDevice("dev-1", "r1");
        Registry registry = new Registry(List.of(new SchoolRecord("jm-db-001", "东宝实验小学", "东宝区")),
                List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "实验小学辅导室")),
                List.of(DeviceHistory.of(d.record())));
        List<StoredEvent> events = new ArrayList<>();
        for (SignedEvent e : WorkedExample.events(d)) {
            events.add(new StoredEvent(e, "r1", e.event().at().plusSeconds(30)));
        }
        Instant twoDaysLate = local(MONDAY.plusDays(3), 10, 0);
        events.add(new StoredEvent(d.event(local(MONDAY, 12, 30), new EventBody.Presence(false)), "r1", twoDaysLate));
        LocalDate tuesday = MONDAY.plusDays(1);
        heartbeats(d, tuesday, 7, 50, 10, 0, events);
        heartbeats(d, tuesday, 11, 30, 16, 0, events);
        events.add(new StoredEvent(d.event(local(tuesday, 13, 0), new EventBody.StaffOpen("T01")), "r1", twoDaysLate));
        events.add(new StoredEvent(d.event(local(tuesday, 13, 0), new EventBody.Presence(true)), "r1", twoDaysLate));
        events.add(new StoredEvent(d.event(local(tuesday, 14, 30), new EventBody.Presence(false)), "r1", twoDaysLate));
        events.add(new StoredEvent(d.event(local(tuesday, 14, 30), new EventBody.StaffClose("T01")), "r1", twoDaysLate));
        LocalDate wednesday = MONDAY.plusDays(2);
        heartbeats(d, wednesday, 7, 50, 16, 0, events);
        events.add(new StoredEvent(d.event(local(wednesday, 9, 0), false, new EventBody.CheckIn(Purpose.GROUP, null)),
                "r1", local(wednesday, 9, 1)));
        store.append(events);
        Clock readOn = Clock.fixed(Instant.parse("2025-06-01T04:00:00Z"), ZoneOffset.UTC);
        VerdictService verdicts = new VerdictService(store, registry, RuleSettings.defaults(), CALENDAR);
        accounts = new Accounts().add("city", Role.CITY_ADMIN, Scope.CITY).save(dir);
        Access access = new Access(AccessSettings.in(dir), registry, Clock.systemUTC());
        DeviceStatusBoard board = new DeviceStatusBoard(registry);
        Api.routing(routing, new ApiContext(registry, store, verdicts, new IngestCounters(), board, () -> true, access));
        routing.register(Api.PREFIX, new RoomDetailService(verdicts, store, board, access, readOn,
                new AuditService(store, registry, verdicts, SchoolCalendars.uniform(CALENDAR), readOn)));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private JsonNode detail() throws IOException {
        ClientResponseTyped<String> res = client.get("/api/v1/rooms/r1/detail")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + accounts.token("city"))
                .queryParam("from", "2025-03-03").queryParam("to", "2025-03-09").request(String.class);
        assertThat(res.status()).as(res.entity()).isEqualTo(Status.OK_200);
        return JSON.readTree(res.entity());
    }

    @Test
    void outagesAreEverySilenceOfFifteenMinutesOrMoreAsAnIntervalWithItsDuration() throws IOException {
        List<String> intervals = new ArrayList<>();
        for (JsonNode o : detail().at("/uptime/outageIntervals")) {
            intervals.add(o.get("fromLocal").asText() + " – " + o.get("toLocal").asText() + " " + o.get("seconds").asLong());
            assertThat(Instant.parse(o.get("to").asText()).getEpochSecond()
                    - Instant.parse(o.get("from").asText()).getEpochSecond()).isEqualTo(o.get("seconds").asLong());
        }

        assertThat(intervals).containsExactly(
                "2025-03-03 00:00 – 2025-03-03 07:50 " + (7 * 3600 + 50 * 60),
                "2025-03-03 16:00 – 2025-03-04 07:50 " + (15 * 3600 + 50 * 60),
                "2025-03-04 10:00 – 2025-03-04 11:30 " + 90 * 60,
                "2025-03-04 16:00 – 2025-03-05 07:50 " + (15 * 3600 + 50 * 60),
                "2025-03-05 16:00 – 2025-03-10 00:00 " + (4 * 86400 + 8 * 3600));
    }

    @Test
    void lateEventsAreListedSayingWhetherTheyChangedAVerdictAndEventsLeftOutToo() throws IOException {
        JsonNode found = detail().get("eventExceptions");

        assertThat(found).hasSize(3);
        assertThat(found.get(0).get("kind").asText()).isEqualTo("UNSYNCED_EXCLUDED");
        assertThat(found.get(0).get("unit").asText()).isEqualTo("2025-03-03..2025-03-09");
        assertThat(found.get(0).get("changedVerdict").asBoolean()).isFalse();
        assertThat(found.get(1).get("kind").asText()).isEqualTo("LATE_EVENTS");
        assertThat(found.get(1).get("unit").asText()).isEqualTo("2025-03-03");
        assertThat(found.get(1).get("changedVerdict").asBoolean()).isFalse();
        assertThat(found.get(1).get("reason").asText()).startsWith("1 events of this day").endsWith("no verdict changed");
        assertThat(found.get(2).get("unit").asText()).isEqualTo("2025-03-04");
        assertThat(found.get(2).get("changedVerdict").asBoolean()).isTrue();
        assertThat(found.get(2).get("reason").asText()).startsWith("4 events of this day")
                .contains("the day's verdict was NOT_MET without them and is MET");
        assertThat(found.get(2).get("reasonZh").asText()).contains("当日结论由");
    }
}
