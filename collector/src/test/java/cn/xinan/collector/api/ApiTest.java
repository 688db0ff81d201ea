package cn.xinan.collector.api;

import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.DeviceStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API over a store holding the worked example of RULES.md §8 (room r1) and nothing for room r2. */
@RoutingTest
class ApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static EventStore store;

    private final DirectClient client;

    ApiTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        dir = Files.createTempDirectory("xinan-api-test");
        store = SqliteEventStore.open(dir.resolve("events.db"));
        TestDevice d1 = new TestDevice("dev-1", "r1");
        TestDevice d2 = new TestDevice("dev-2", "r2");
        Registry registry = new Registry(
                List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室"),
                        new RoomRecord("掇刀区", "jm-dd-001", "r2", Tier.QUALIFIED, "掇刀一中心理辅导室")),
                List.of(d1.record(), d2.record()));
        Instant received = Instant.parse("2025-03-03T09:00:00Z");
        store.append(WorkedExample.events(d1).stream().map(e -> new StoredEvent(e, "r1", received)).toList());
        store.quarantine(QuarantinedMessage.of("dev-1/events", "dev-1", QuarantineReason.BAD_SIGNATURE,
                "signature does not verify", received, "{}".getBytes(StandardCharsets.US_ASCII)));
        DeviceStatusBoard board = new DeviceStatusBoard(registry);
        board.statusMessage("dev-1/status", new DeviceStatus("dev-1", true, received, "0.1.0").encodeSigned(d1.signer()));
        VerdictService verdicts = new VerdictService(store, registry, RuleSettings.defaults(),
                SchoolCalendar.of(NationalCalendar.bundled()));
        Api.routing(routing, new ApiContext(registry, store, verdicts, new IngestCounters(), board, () -> true));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private JsonNode get(String path, Status expected) {
        // DirectClient takes query parameters one by one, not in the path
        String[] parts = path.split("\\?", 2);
        var request = client.get(parts[0]);
        if (parts.length == 2) {
            var params = new java.util.LinkedHashMap<String, List<String>>();
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                params.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>()).add(kv[1]);
            }
            params.forEach((name, values) -> request.queryParam(name, values.toArray(String[]::new)));
        }
        ClientResponseTyped<String> res = request.request(String.class);
        assertThat(res.status()).as(path).isEqualTo(expected);
        assertThat(res.headers().contentType().orElseThrow().text()).startsWith("application/json");
        try {
            return JSON.readTree(res.entity());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + res.entity(), e);
        }
    }

    @Test
    void verdictsOfAPeriodAreTheResultDocumentComputedFromTheStoredEvents() {
        JsonNode doc = get("/api/v1/verdicts?from=2025-03-03&to=2025-03-03", Status.OK_200);

        assertThat(doc.at("/rule/dailySeconds").asLong()).isEqualTo(3600);
        assertThat(doc.at("/rule/weeklySeconds").asLong()).isEqualTo(36000);
        assertThat(doc.at("/rule/weekPolicy").asText()).isEqualTo("prorate");
        assertThat(doc.at("/rule/unattendedGapSeconds").asLong()).isEqualTo(1800);
        assertThat(doc.at("/rule/version").asText()).isNotEmpty();
        assertThat(doc.get("rooms")).hasSize(2);
        JsonNode r1 = doc.at("/rooms/0");
        assertThat(r1.get("room").asText()).isEqualTo("r1");
        assertThat(r1.get("tier").asText()).isEqualTo("示范");
        JsonNode day = r1.at("/days/0");
        assertThat(day.get("date").asText()).isEqualTo("2025-03-03");
        assertThat(day.get("schoolDay").asBoolean()).isTrue();
        assertThat(day.get("openSeconds").asLong()).isEqualTo(9600);
        assertThat(day.get("attendedSeconds").asLong()).isEqualTo(6600);
        assertThat(day.get("checkins").asInt()).isEqualTo(1);
        assertThat(day.get("verdict").asText()).isEqualTo("MET");
        JsonNode week = r1.at("/weeks/0");
        assertThat(week.get("week").asText()).isEqualTo("2025-W10");
        assertThat(week.get("schoolDays").asInt()).isEqualTo(5);
        assertThat(week.get("requiredSeconds").asLong()).isEqualTo(36000);
        assertThat(week.get("attendedSeconds").asLong()).isEqualTo(6600);
        assertThat(week.get("verdict").asText()).isEqualTo("NOT_MET");
        assertThat(doc.at("/rooms/1/days/0/verdict").asText()).isEqualTo("NO_DATA");
    }

    @Test
    void roomsCanBeChosenWithRepeatedRoomParameters() {
        JsonNode doc = get("/api/v1/verdicts?from=2025-03-03&to=2025-03-09&room=r2", Status.OK_200);

        assertThat(doc.get("rooms")).hasSize(1);
        assertThat(doc.at("/rooms/0/room").asText()).isEqualTo("r2");
        assertThat(doc.at("/rooms/0/days")).hasSize(7);
        assertThat(get("/api/v1/verdicts?from=2025-03-03&to=2025-03-03&room=r2&room=r1", Status.OK_200)
                .findValuesAsText("room")).containsExactly("r2", "r1");
    }

    @Test
    void oneRoomsVerdictsComeWithTheRuleTheyWereComputedWith() {
        JsonNode doc = get("/api/v1/rooms/r1/verdicts?from=2025-03-03&to=2025-03-04", Status.OK_200);

        assertThat(doc.at("/rule/dailySeconds").asLong()).isEqualTo(3600);
        assertThat(doc.at("/room/room").asText()).isEqualTo("r1");
        assertThat(doc.at("/room/days/0/attendedSeconds").asLong()).isEqualTo(6600);
        assertThat(doc.at("/room/days/1/verdict").asText()).isEqualTo("NO_DATA");
    }

    @Test
    void anUnknownRoomIsNotFound() {
        assertThat(get("/api/v1/rooms/nope/verdicts?from=2025-03-03&to=2025-03-03", Status.NOT_FOUND_404)
                .get("room").asText()).isEqualTo("nope");
        assertThat(get("/api/v1/verdicts?from=2025-03-03&to=2025-03-03&room=r1&room=nope", Status.NOT_FOUND_404)
                .get("error").asText()).contains("nope");
    }

    @Test
    void badQueryParametersAreRefusedNamingTheParameter() {
        assertThat(get("/api/v1/verdicts?to=2025-03-03", Status.BAD_REQUEST_400).get("parameter").asText())
                .isEqualTo("from");
        assertThat(get("/api/v1/verdicts?from=2025-03-03&to=03/09/2025", Status.BAD_REQUEST_400).get("parameter")
                .asText()).isEqualTo("to");
        assertThat(get("/api/v1/verdicts?from=2025-03-09&to=2025-03-03", Status.BAD_REQUEST_400).get("error")
                .asText()).contains("before");
        assertThat(get("/api/v1/verdicts?from=2024-01-01&to=2025-12-31", Status.BAD_REQUEST_400).get("parameter")
                .asText()).isEqualTo("to");
        assertThat(get("/api/v1/quarantine?limit=lots", Status.BAD_REQUEST_400).get("parameter").asText())
                .isEqualTo("limit");
        assertThat(get("/api/v1/quarantine?limit=0", Status.BAD_REQUEST_400).get("parameter").asText())
                .isEqualTo("limit");
    }

    @Test
    void roomsListTheRegistryWithEachDevicesOnlineState() {
        JsonNode rooms = get("/api/v1/rooms", Status.OK_200).get("rooms");

        assertThat(rooms).hasSize(2);
        assertThat(rooms.at("/0/room").asText()).isEqualTo("r1");
        assertThat(rooms.at("/0/county").asText()).isEqualTo("东宝区");
        assertThat(rooms.at("/0/school").asText()).isEqualTo("jm-db-001");
        assertThat(rooms.at("/0/tier").asText()).isEqualTo("示范");
        assertThat(rooms.at("/0/name").asText()).isEqualTo("东宝实验小学心理辅导室");
        assertThat(rooms.at("/0/devices/0/device").asText()).isEqualTo("dev-1");
        assertThat(rooms.at("/0/devices/0/online").asBoolean()).isTrue();
        assertThat(rooms.at("/1/devices/0/online").isNull()).isTrue();
    }

    @Test
    void theQuarantineListsCountsByReasonAndTheNewestMessages() {
        JsonNode q = get("/api/v1/quarantine?limit=5", Status.OK_200);

        assertThat(q.at("/counts/bad_signature").asLong()).isEqualTo(1);
        assertThat(q.at("/counts/malformed").asLong()).isZero();
        assertThat(q.get("messages")).hasSize(1);
        assertThat(q.at("/messages/0/reason").asText()).isEqualTo("bad_signature");
        assertThat(q.at("/messages/0/device").asText()).isEqualTo("dev-1");
        assertThat(q.at("/messages/0/payloadBase64").asText()).isEqualTo("e30=");
    }

    @Test
    void ingestCountersNameTheStore() {
        JsonNode ingest = get("/api/v1/ingest", Status.OK_200);

        assertThat(ingest.get("store").asText()).isEqualTo("sqlite");
        assertThat(ingest.get("mqttConnected").asBoolean()).isTrue();
        assertThat(ingest.get("storedEventsTotal").asLong()).isGreaterThan(400);
        assertThat(ingest.at("/quarantined/bad_signature").asLong()).isZero();
        assertThat(ingest.has("sequenceGaps")).isTrue();
        assertThat(ingest.has("duplicates")).isTrue();
    }
}
