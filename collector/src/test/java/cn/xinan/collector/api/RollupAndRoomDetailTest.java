package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.AccessSettings;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.rollup.Targets;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.Accounts;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/rollup} and {@code GET /api/v1/rooms/{room}/detail} over known events: the docs/rules.md §8 worked
 * example in rooms r1 (东宝实验小学, 示范) and r2 (东宝二中, 合格), with one extra check-in recorded before the device
 * clock was synchronised in r1; nothing in r3 (掇刀一中, 未评定). Every figure is compared with the rules engine run on
 * the same events, and every caller sees only its scope. Read on 2025-06-01 (every day of the period is over).
 */
@RoutingTest
class RollupAndRoomDetailTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate FROM = LocalDate.of(2025, 3, 3);
    private static final LocalDate TO = LocalDate.of(2025, 3, 9);
    private static final String PERIOD = "from=2025-03-03&to=2025-03-09";
    private static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled());
    private static final Map<String, List<SignedEvent>> EVENTS = new LinkedHashMap<>();
    private static Path dir;
    private static EventStore store;
    private static Accounts accounts;

    private final DirectClient client;

    RollupAndRoomDetailTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        dir = Files.createTempDirectory("xinan-rollup-test");
        store = SqliteEventStore.open(dir.resolve("events.db"));
        TestDevice d1 = new TestDevice("dev-1", "r1");
        TestDevice d2 = new TestDevice("dev-2", "r2");
        TestDevice d3 = new TestDevice("dev-3", "r3");
        Registry registry = new Registry(
                List.of(new SchoolRecord("jm-db-001", "东宝实验小学", "东宝区"), new SchoolRecord("jm-db-002", "东宝二中", "东宝区"),
                        new SchoolRecord("jm-dd-001", "掇刀一中", "掇刀区")),
                List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "实验小学辅导室"),
                        new RoomRecord("东宝区", "jm-db-002", "r2", Tier.QUALIFIED, "二中辅导室"),
                        new RoomRecord("掇刀区", "jm-dd-001", "r3", Tier.UNRATED, "一中辅导室")),
                List.of(DeviceHistory.of(d1.record()), DeviceHistory.of(d2.record()), DeviceHistory.of(d3.record())));
        List<SignedEvent> r1 = new ArrayList<>(WorkedExample.events(d1));
        r1.add(d1.event(WorkedExample.DAY.atTime(12, 0).atZone(RulesEngine.ZONE).toInstant(), false,
                new EventBody.CheckIn(Purpose.GROUP, Stage.SENIOR)));
        r1.add(d1.event(WorkedExample.DAY.atTime(9, 30).atZone(RulesEngine.ZONE).toInstant(),
                new EventBody.CheckIn(Purpose.RELAXATION, Stage.JUNIOR)));
        EVENTS.put("r1", r1);
        EVENTS.put("r2", WorkedExample.events(d2));
        EVENTS.put("r3", List.of());
        Instant received = Instant.parse("2025-03-03T09:00:00Z");
        EVENTS.forEach((room, events) -> store.append(events.stream().map(e -> new StoredEvent(e, room, received)).toList()));
        VerdictService verdicts = new VerdictService(store, registry, RuleSettings.defaults(), CALENDAR);
        accounts = new Accounts().add("city", Role.CITY_ADMIN, Scope.CITY).add("dongbao", Role.COUNTY_ADMIN, Scope.county("东宝区"))
                .add("duodao", Role.SCHOOL_ADMIN, Scope.school("jm-dd-001")).add("itop", Role.IT_OPERATOR, Scope.CITY).save(dir);
        Access access = new Access(AccessSettings.in(dir), registry, Clock.systemUTC());
        Clock readOn = Clock.fixed(Instant.parse("2025-06-01T04:00:00Z"), ZoneOffset.UTC);
        DeviceStatusBoard board = new DeviceStatusBoard(registry);
        Api.routing(routing, new ApiContext(registry, store, verdicts, new IngestCounters(), board, () -> true, access));
        routing.register(Api.PREFIX, new RollupService(verdicts, access, Targets.DEFAULTS, readOn))
                .register(Api.PREFIX, new RoomDetailService(verdicts, store, board, access, readOn,
                        new cn.xinan.collector.audit.AuditService(store, registry, verdicts,
                                cn.xinan.collector.verdict.SchoolCalendars.uniform(CALENDAR), readOn)));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** What the rules engine says over the room's events, without the collector's summaries. */
    private static RoomReport engine(String room, Tier tier) {
        return new RulesEngine(RuleSettings.defaults()).evaluate(room, tier,
                EVENTS.get(room).stream().map(SignedEvent::event).toList(), CALENDAR, FROM, TO);
    }

    private ClientResponseTyped<String> call(String user, String path) {
        String[] parts = path.split("\\?", 2);
        var request = client.get(parts[0]).header(HeaderNames.AUTHORIZATION, "Bearer " + accounts.token(user));
        if (parts.length == 2) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                params.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
            }
            params.forEach((name, values) -> request.queryParam(name, values.toArray(String[]::new)));
        }
        return request.request(String.class);
    }

    private JsonNode get(String user, String path) {
        ClientResponseTyped<String> res = call(user, path);
        assertThat(res.status()).as(user + " " + path + ": " + res.entity()).isEqualTo(Status.OK_200);
        try {
            return JSON.readTree(res.entity());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + res.entity(), e);
        }
    }

    private static JsonNode line(JsonNode doc, String key) {
        for (JsonNode l : doc.get("lines")) {
            if (l.get("key").asText().equals(key)) {
                return l;
            }
        }
        throw new AssertionError("no line " + key + " in " + doc);
    }

    @Test
    void theCitysRollUpByCountyEqualsTheEnginesVerdictsAndMeasuresTheTiersAgainstThePlan() {
        JsonNode doc = get("city", "/api/v1/rollup?" + PERIOD);

        assertThat(doc.get("level").asText()).isEqualTo("county");
        assertThat(doc.at("/targets/qualifiedPercent").asInt()).isEqualTo(100);
        assertThat(doc.at("/targets/demonstrationPercent").asInt()).isEqualTo(20);
        assertThat(doc.at("/rule/tiers/示范/dailySeconds").asLong()).isEqualTo(3600);
        assertThat(doc.get("lines")).extracting(l -> l.get("name").asText()).containsExactly("东宝区", "掇刀区");
        JsonNode total = doc.get("total");
        assertThat(total.get("allRooms").asInt()).isEqualTo(3);
        assertThat(total.at("/byTier/示范").asInt()).isEqualTo(1);
        assertThat(total.get("qualifiedRooms").asInt()).isEqualTo(2);
        assertThat(total.get("meetsQualifiedTarget").asBoolean()).as("2 of 3 rooms rated, the plan wants all").isFalse();
        assertThat(total.get("meetsDemonstrationTarget").asBoolean()).as("1 of 3 is 示范, at least 20 %").isTrue();

        JsonNode dongbao = line(doc, "东宝区");
        RoomReport r1 = engine("r1", Tier.DEMONSTRATION);
        RoomReport r2 = engine("r2", Tier.QUALIFIED);
        var expected = r1.compliance().plus(r2.compliance());
        assertThat(dongbao.get("metDays").asInt()).isEqualTo(expected.metDays()).isEqualTo(2);
        assertThat(dongbao.get("requiredDays").asInt()).isEqualTo(expected.requiredDays()).isEqualTo(10);
        assertThat(dongbao.get("metWeeks").asInt()).isEqualTo(expected.metWeeks()).isZero();
        assertThat(dongbao.get("requiredWeeks").asInt()).isEqualTo(expected.requiredWeeks()).isEqualTo(2);
        long noData = java.util.stream.Stream.of(r1, r2).flatMap(r -> r.days().stream())
                .filter(d -> d.verdict() == Verdict.NO_DATA).count();
        assertThat(dongbao.get("noDataDays").asLong()).isEqualTo(noData).isEqualTo(8);
        assertThat(dongbao.get("attendedSeconds").asLong()).isEqualTo(r1.weeks().get(0).attendedSeconds()
                + r2.weeks().get(0).attendedSeconds()).isEqualTo(2 * 6600);
        assertThat(dongbao.get("checkins").asInt()).as("the unsynchronised check-in is left out").isEqualTo(3);
        assertThat(dongbao.get("meetsQualifiedTarget").asBoolean()).isTrue();

        JsonNode duodao = line(doc, "掇刀区");
        assertThat(duodao.get("requiredDays").asInt()).isEqualTo(5);
        assertThat(duodao.get("noDataDays").asInt()).isEqualTo(5);
        assertThat(duodao.get("meetsQualifiedTarget").asBoolean()).isFalse();
    }

    @Test
    void drillingDownGivesSchoolsByNameThenRoomsWithTheirTiers() {
        JsonNode schools = get("city", "/api/v1/rollup?" + PERIOD + "&level=school&county=东宝区");
        assertThat(schools.get("lines")).extracting(l -> l.get("name").asText()).containsExactly("东宝实验小学", "东宝二中");
        assertThat(schools.get("total").get("allRooms").asInt()).isEqualTo(2);

        JsonNode rooms = get("city", "/api/v1/rollup?" + PERIOD + "&level=room&school=jm-db-001");
        assertThat(rooms.get("schoolName").asText()).isEqualTo("东宝实验小学");
        JsonNode r1 = line(rooms, "r1");
        assertThat(r1.get("name").asText()).isEqualTo("实验小学辅导室");
        assertThat(r1.get("tier").asText()).isEqualTo("示范");
        assertThat(r1.get("schoolName").asText()).isEqualTo("东宝实验小学");
        assertThat(r1.get("metDays").asInt()).isEqualTo(engine("r1", Tier.DEMONSTRATION).compliance().metDays());
    }

    @Test
    void aTierFilterSelectsTheRoomsCountedWhileTheTierSharesStayThoseOfEveryRoom() {
        JsonNode doc = get("city", "/api/v1/rollup?" + PERIOD + "&tier=示范&tier=unrated");

        assertThat(doc.get("tiers")).extracting(JsonNode::asText).containsExactly("示范", "未评定");
        assertThat(doc.at("/total/rooms").asInt()).isEqualTo(2);
        assertThat(doc.at("/total/allRooms").asInt()).isEqualTo(3);
        assertThat(doc.at("/total/requiredDays").asInt()).isEqualTo(10);
        assertThat(line(doc, "东宝区").get("rooms").asInt()).isEqualTo(1);
    }

    @Test
    void aCountyAdminSeesOnlyTheCountyAndAnotherCountyIsAsUnknownAsNoCounty() {
        ClientResponseTyped<String> own = call("dongbao", "/api/v1/rollup?" + PERIOD);
        assertThat(own.status()).isEqualTo(Status.OK_200);
        assertThat(own.entity()).contains("东宝区").doesNotContain("掇刀", "jm-dd-001", "r3", "一中辅导室");
        assertThat(own.entity()).contains("\"allRooms\":2");

        ClientResponseTyped<String> other = call("dongbao", "/api/v1/rollup?" + PERIOD + "&level=school&county=掇刀区");
        ClientResponseTyped<String> none = call("dongbao", "/api/v1/rollup?" + PERIOD + "&level=school&county=无此区");
        assertThat(other.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(none.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(other.entity().replace("掇刀区", "X")).isEqualTo(none.entity().replace("无此区", "X"));
        assertThat(call("dongbao", "/api/v1/rollup?" + PERIOD + "&level=room&school=jm-dd-001").status())
                .isEqualTo(Status.NOT_FOUND_404);
        assertThat(call("itop", "/api/v1/rollup?" + PERIOD).status()).as("no verdicts for IT").isEqualTo(Status.FORBIDDEN_403);
    }

    @Test
    void badParametersAreNamed() {
        assertThat(call("city", "/api/v1/rollup?" + PERIOD + "&level=province").entity())
                .contains("\"parameter\":\"level\"", "must be county, school or room");
        assertThat(call("city", "/api/v1/rollup?" + PERIOD + "&tier=gold").entity()).contains("\"parameter\":\"tier\"");
        assertThat(call("city", "/api/v1/rollup?from=2025-03-09&to=2025-03-03").status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(call("city", "/api/v1/rooms/r1/detail?from=2025-03-03").entity()).contains("\"parameter\":\"to\"");
    }

    @Test
    void theRoomPageHasEveryDayAsTheEngineSaysWithCheckInsCountedByPurposeAndStageOnly() {
        JsonNode doc = get("city", "/api/v1/rooms/r1/detail?" + PERIOD);
        RoomReport expected = engine("r1", Tier.DEMONSTRATION);

        assertThat(doc.at("/room/schoolName").asText()).isEqualTo("东宝实验小学");
        assertThat(doc.at("/room/tier").asText()).isEqualTo("示范");
        assertThat(doc.get("days")).hasSize(7);
        for (int i = 0; i < 7; i++) {
            JsonNode day = doc.get("days").get(i);
            DayResult e = expected.days().get(i);
            assertThat(day.get("date").asText()).isEqualTo(e.date().toString());
            assertThat(day.get("verdict").asText()).as(e.date().toString()).isEqualTo(e.verdict().name());
            assertThat(day.get("schoolDay").asBoolean()).isEqualTo(e.schoolDay());
            assertThat(day.get("openSeconds").asLong()).isEqualTo(e.openSeconds());
            assertThat(day.get("attendedSeconds").asLong()).isEqualTo(e.attendedSeconds());
            assertThat(day.get("checkins").asInt()).isEqualTo(e.checkins());
        }
        JsonNode monday = doc.get("days").get(0);
        assertThat(monday.get("attendedSeconds").asLong()).isEqualTo(6600);
        assertThat(monday.get("unattendedSeconds").asLong()).isEqualTo(3000);
        assertThat(monday.get("checkinsByPurpose").toString()).isEqualTo("{\"individual\":1,\"relaxation\":1}");
        assertThat(monday.get("checkinsByStage").toString()).isEqualTo("{\"junior\":1,\"none\":1}");
        assertThat(monday.get("excludedEvents").asInt()).isEqualTo(1);
        assertThat(doc.get("excludedEvents").asInt()).isEqualTo(expected.excludedUnsyncedEvents()).isEqualTo(1);
        assertThat(monday.get("signOfLife").asBoolean()).isTrue();
        assertThat(doc.get("days").get(1).get("signOfLife").asBoolean()).isFalse();
        assertThat(doc.at("/weeks/0/verdict").asText()).isEqualTo(expected.weeks().get(0).verdict().name());
        assertThat(doc.at("/compliance/metDays").asInt()).isEqualTo(expected.compliance().metDays());
        assertThat(doc.at("/uptime/lastDayWithSignOfLife").asText()).isEqualTo("2025-03-03");
        assertThat(doc.at("/uptime/outages").toString())
                .isEqualTo("[{\"from\":\"2025-03-04\",\"to\":\"2025-03-09\",\"days\":6,\"schoolDays\":4}]");
        assertThat(doc.at("/devices/0/device").asText()).isEqualTo("dev-1");
    }

    @Test
    void aRoomOutsideTheScopeIsAsUnknownAsNoRoom() {
        ClientResponseTyped<String> other = call("duodao", "/api/v1/rooms/r1/detail?" + PERIOD);
        ClientResponseTyped<String> none = call("duodao", "/api/v1/rooms/nope/detail?" + PERIOD);
        assertThat(other.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(other.entity().replace("r1", "X")).isEqualTo(none.entity().replace("nope", "X"));
        assertThat(get("duodao", "/api/v1/rooms/r3/detail?" + PERIOD).at("/uptime/daysWithSignOfLife").asInt()).isZero();
        assertThat(call("itop", "/api/v1/rooms/r3/detail?" + PERIOD).status()).isEqualTo(Status.FORBIDDEN_403);
    }
}
