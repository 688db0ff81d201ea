package cn.xinan.collector.access;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.testkit.Accounts;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.people.People;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles × endpoints through real HTTP against a whole collector (real Mosquitto, SQLite store): every endpoint, every
 * role, by session and by API token, rooms in and out of scope, signed out, stale and forged sessions, CSRF, lock-out
 * and the rate limit. Nothing of a room outside a caller's scope (its id, name, device, school or county) appears in
 * any answer, error or count. The district: 东宝区 with schools jm-db-001 (room-db1-a) and jm-db-002 (room-db2-a),
 * 掇刀区 with jm-dd-001 (room-dd1-a).
 */
class AccessMatrixTest {
    private static final List<RoomRecord> ROOMS = List.of(
            new RoomRecord("东宝区", "jm-db-001", "room-db1-a", Tier.DEMONSTRATION, "东宝一小辅导室"),
            new RoomRecord("东宝区", "jm-db-002", "room-db2-a", Tier.QUALIFIED, "东宝二中辅导室"),
            new RoomRecord("掇刀区", "jm-dd-001", "room-dd1-a", Tier.QUALIFIED, "掇刀一中辅导室"));
    private static final Map<String, String> DEVICE_OF = Map.of("room-db1-a", "dev-db1", "room-db2-a", "dev-db2",
            "room-dd1-a", "dev-dd1");
    private static final String PERIOD = "from=2025-03-03&to=2025-03-09";

    /** The people of the matrix: user → role, scope. */
    private static final Map<String, Map.Entry<Role, Scope>> PEOPLE = new LinkedHashMap<>();

    static {
        PEOPLE.put("city", Map.entry(Role.CITY_ADMIN, Scope.CITY));
        PEOPLE.put("dongbao", Map.entry(Role.COUNTY_ADMIN, Scope.county("东宝区")));
        PEOPLE.put("school1", Map.entry(Role.SCHOOL_ADMIN, Scope.school("jm-db-001")));
        PEOPLE.put("inspector", Map.entry(Role.INSPECTOR, Scope.county("掇刀区")));
        PEOPLE.put("itop", Map.entry(Role.IT_OPERATOR, Scope.CITY));
        PEOPLE.put("itop-db", Map.entry(Role.IT_OPERATOR, Scope.county("东宝区")));
    }

    private static MosquittoServer broker;
    private static Collector collector;
    private static ManualClock clock;
    private static Accounts accounts;
    private static Path registryDir;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCollector() {
        broker = MosquittoServer.startAnonymous();
        registryDir = dir.resolve("registry");
        List<TestDevice> devices = ROOMS.stream().map(r -> new TestDevice(DEVICE_OF.get(r.roomId()), r.roomId())).toList();
        new Registry(ROOMS, devices.stream().map(TestDevice::record).toList()).save(registryDir);
        accounts = new Accounts();
        PEOPLE.forEach((user, rs) -> accounts.add(user, rs.getKey(), rs.getValue()));
        accounts.add("gone", Role.CITY_ADMIN, Scope.CITY).disable("gone").save(registryDir);
        clock = new ManualClock(Instant.now());
        CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), registryDir,
                CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty());
        AccessSettings access = new AccessSettings(registryDir, dir.resolve("audit/audit.jsonl"), Duration.ofMinutes(30),
                Duration.ofHours(12), false, 5, Duration.ofMinutes(15), 30);
        collector = new Collector(config.withAccess(access), clock).start();
        Instant at = Instant.parse("2025-03-03T09:00:00Z");
        collector.store().quarantine(List.of(
                QuarantinedMessage.of("dev-db1/events", "dev-db1", QuarantineReason.BAD_SIGNATURE, "signature does not verify", at, new byte[]{1}),
                QuarantinedMessage.of("dev-dd1/events", "dev-dd1", QuarantineReason.MALFORMED, "not JSON", at, new byte[]{2}),
                QuarantinedMessage.of("ghost/events", "ghost", QuarantineReason.UNKNOWN_DEVICE, "device ghost is not registered", at, new byte[]{3})));
    }

    @AfterAll
    static void stop() {
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + collector.httpPort();
    }

    /**
     * A route, with the permission it needs, the room it is about (null: a list, or no room) and what its 404 may
     * repeat of the request (the room id, or the county or school asked for).
     */
    private record Endpoint(String path, Permission permission, String room, String echo) {
        Endpoint(String path, Permission permission, String room) {
            this(path, permission, room, room);
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/", Permission.VIEW_ROOMS, null),
            new Endpoint("/api/v1/session", Permission.VIEW_ROOMS, null),
            new Endpoint("/api/v1/rooms", Permission.VIEW_ROOMS, null),
            new Endpoint("/api/v1/verdicts?" + PERIOD, Permission.VIEW_VERDICTS, null),
            new Endpoint("/api/v1/verdicts?" + PERIOD + "&room=room-db1-a", Permission.VIEW_VERDICTS, "room-db1-a"),
            new Endpoint("/api/v1/verdicts?" + PERIOD + "&room=room-dd1-a", Permission.VIEW_VERDICTS, "room-dd1-a"),
            new Endpoint("/api/v1/rooms/room-db1-a/verdicts?" + PERIOD, Permission.VIEW_VERDICTS, "room-db1-a"),
            new Endpoint("/api/v1/rooms/room-db2-a/verdicts?" + PERIOD, Permission.VIEW_VERDICTS, "room-db2-a"),
            new Endpoint("/api/v1/rooms/room-dd1-a/verdicts?" + PERIOD, Permission.VIEW_VERDICTS, "room-dd1-a"),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all", Permission.EXPORT, null),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all&format=csv", Permission.EXPORT, null),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all&format=pdf", Permission.EXPORT, null),
            new Endpoint("/api/v1/audit?" + PERIOD + "&format=pdf&room=room-db1-a", Permission.EXPORT, "room-db1-a"),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all&format=pdf&room=room-dd1-a", Permission.EXPORT, "room-dd1-a"),
            new Endpoint("/api/v1/audit/bundle?" + PERIOD + "&tier=all", Permission.EXPORT, null),
            new Endpoint("/api/v1/audit/bundle?" + PERIOD + "&tier=all&room=room-dd1-a", Permission.EXPORT, "room-dd1-a"),
            new Endpoint("/api/v1/rollup?" + PERIOD, Permission.VIEW_VERDICTS, null),
            new Endpoint("/api/v1/rollup?" + PERIOD + "&level=room&tier=qualified", Permission.VIEW_VERDICTS, null),
            // 掇刀区 holds room-dd1-a only, jm-db-002 holds room-db2-a only: visible exactly when that room is
            new Endpoint("/api/v1/rollup?" + PERIOD + "&level=school&county=" + java.net.URLEncoder.encode("掇刀区",
                    StandardCharsets.UTF_8), Permission.VIEW_VERDICTS, "room-dd1-a", "掇刀区"),
            new Endpoint("/api/v1/rollup?" + PERIOD + "&level=room&school=jm-db-002", Permission.VIEW_VERDICTS,
                    "room-db2-a", "jm-db-002"),
            new Endpoint("/api/v1/rooms/room-db1-a/detail?" + PERIOD, Permission.VIEW_VERDICTS, "room-db1-a"),
            new Endpoint("/api/v1/rooms/room-dd1-a/detail?" + PERIOD, Permission.VIEW_VERDICTS, "room-dd1-a"),
            new Endpoint("/api/v1/quarantine", Permission.VIEW_QUARANTINE, null),
            new Endpoint("/api/v1/devices", Permission.VIEW_ROOMS, null),
            new Endpoint("/api/v1/warnings", Permission.VIEW_VERDICTS, null),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all", Permission.EXPORT, null),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all&room=room-db1-a", Permission.EXPORT, "room-db1-a"),
            new Endpoint("/api/v1/audit?" + PERIOD + "&tier=all&room=room-dd1-a", Permission.EXPORT, "room-dd1-a"),
            new Endpoint("/api/v1/audit/bundle?" + PERIOD + "&tier=all", Permission.EXPORT, null),
            new Endpoint("/api/v1/ingest", Permission.VIEW_FLEET_COUNTERS, null),
            new Endpoint("/observe/metrics", Permission.VIEW_FLEET_COUNTERS, null));

    private static HttpResponse<String> get(String path, String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Accept", "application/json, text/html, */*");
        if (header != null) {
            b.header(header, value);
        }
        return Accounts.send(b.build());
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return Accounts.send(b.build());
    }

    @Test
    void everyRoleGetsExactlyItsEndpointsAndOnlyItsScopeBySessionAndByToken() {
        clock.advance(Duration.ofMinutes(2)); // a fresh sign-in rate window
        List<String> mismatches = new ArrayList<>();
        for (var person : PEOPLE.entrySet()) {
            String user = person.getKey();
            Role role = person.getValue().getKey();
            Scope scope = person.getValue().getValue();
            Accounts.Session session = Accounts.signIn(base(), user, Accounts.PASSWORD);
            for (Endpoint e : ENDPOINTS) {
                int expected = !e.permission().grantedTo(role, scope) ? 403
                        : e.room() != null && !visible(scope, e.room()) ? 404 : 200;
                for (var via : List.of(Map.entry("Cookie", session.cookie()), Map.entry("Authorization", "Bearer " + accounts.token(user)))) {
                    HttpResponse<String> res = get(e.path(), via.getKey(), via.getValue());
                    String what = user + " " + via.getKey() + " GET " + e.path();
                    if (res.statusCode() != expected) {
                        mismatches.add(what + ": " + res.statusCode() + " (expected " + expected + ") " + res.body());
                    }
                    // a 404 repeats the id the caller asked for, as for a room that does not exist; nothing else
                    String body = expected == 404 ? res.body().replace(e.echo(), "") : res.body();
                    List<String> leaks = foreignNames(scope).stream().filter(body::contains).toList();
                    if (!leaks.isEmpty()) {
                        mismatches.add(what + " shows " + leaks + " outside " + scope + ": " + res.body());
                    }
                }
            }
            HttpResponse<String> unknown = get("/api/v1/no-such-thing", "Cookie", session.cookie());
            assertThat(unknown.statusCode()).as("an unlisted API path is refused").isEqualTo(404);
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void listsAndCountsHoldTheScopeOnly() {
        assertThat(get("/api/v1/rooms", "Authorization", "Bearer " + accounts.token("dongbao")).body())
                .contains("room-db1-a", "room-db2-a");
        assertThat(get("/api/v1/verdicts?" + PERIOD, "Authorization", "Bearer " + accounts.token("school1")).body())
                .contains("\"room\":\"room-db1-a\"");
        String city = get("/api/v1/quarantine", "Authorization", "Bearer " + accounts.token("itop")).body();
        assertThat(city).contains("dev-db1", "dev-dd1", "ghost", "\"bad_signature\":1", "\"malformed\":1", "\"unknown_device\":1");
        String county = get("/api/v1/quarantine", "Authorization", "Bearer " + accounts.token("itop-db")).body();
        assertThat(county).contains("dev-db1", "\"bad_signature\":1", "\"malformed\":0", "\"unknown_device\":0", "\"countsOfNewest\":1000")
                .doesNotContain("dev-dd1", "ghost");
        assertThat(get("/observe/metrics", "Authorization", "Bearer " + accounts.token("city")).body()).contains("xinan_ingest");
        // the roll-up's counts: the whole city for the city, the county's two rooms for its admin, one for a school
        assertThat(get("/api/v1/rollup?" + PERIOD, "Authorization", "Bearer " + accounts.token("city")).body())
                .contains("\"total\":{\"key\":\"\",\"name\":\"\",\"county\":\"\"", "\"allRooms\":3");
        assertThat(get("/api/v1/rollup?" + PERIOD, "Authorization", "Bearer " + accounts.token("dongbao")).body())
                .contains("\"allRooms\":2").doesNotContain("\"allRooms\":3", "\"allRooms\":1,");
        assertThat(get("/api/v1/rollup?" + PERIOD + "&level=room", "Authorization", "Bearer " + accounts.token("school1")).body())
                .contains("\"allRooms\":1", "room-db1-a").doesNotContain("\"allRooms\":2", "\"allRooms\":3");
    }

    @Test
    void theAuditsPdfHoldsTheCallersScopeOnlyAndIsRecordedAsAnExport() throws Exception {
        HttpResponse<byte[]> res = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base() + "/api/v1/audit?" + PERIOD + "&tier=all&format=pdf"))
                .header("Authorization", "Bearer " + accounts.token("dongbao")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).contains("application/pdf");
        String text;
        try (var doc = org.apache.pdfbox.Loader.loadPDF(res.body())) {
            text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        }
        assertThat(text).contains("room-db1-a", "room-db2-a", "东宝区").doesNotContain("room-dd1-a", "掇刀");
        assertThat(auditLines()).anyMatch(l -> l.contains("\"action\":\"export\"") && l.contains("\"what\":\"audit-pdf\"")
                && l.contains("\"user\":\"dongbao\"") && l.contains("\"county\":\"东宝区\""));
    }

    @Test
    void anOutOfScopeRoomIsExactlyAsUnknownAsARoomThatDoesNotExist() {
        String token = "Bearer " + accounts.token("school1");
        HttpResponse<String> foreign = get("/api/v1/rooms/room-dd1-a/verdicts?" + PERIOD, "Authorization", token);
        HttpResponse<String> missing = get("/api/v1/rooms/room-zz9-a/verdicts?" + PERIOD, "Authorization", token);

        assertThat(foreign.statusCode()).isEqualTo(missing.statusCode()).isEqualTo(404);
        assertThat(foreign.body().replace("room-dd1-a", "X")).isEqualTo(missing.body().replace("room-zz9-a", "X"));
    }

    @Test
    void signedOutOnlyTheSignInPageTheUiFilesAndHealthAnswer() {
        for (Endpoint e : ENDPOINTS) {
            HttpResponse<String> res = get(e.path(), null, null);
            if (e.path().equals("/")) {
                assertThat(res.statusCode()).isEqualTo(303);
                assertThat(res.headers().firstValue("Location")).contains("/signin?next=%2F");
            } else {
                assertThat(res.statusCode()).as(e.path()).isEqualTo(401);
                assertThat(res.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"xinan\"");
            }
            assertThat(foreignNames(Scope.school("nowhere")).stream().filter(res.body()::contains).toList()).isEmpty();
        }
        HttpResponse<String> health = get("/observe/health", null, null);
        assertThat(health.statusCode()).isIn(200, 204);
        assertThat(health.body()).doesNotContain("sqlite", "store", "mqtt");
        assertThat(get("/signin", null, null).statusCode()).isEqualTo(200);
        assertThat(get("/ui/app.css", null, null).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/rooms", "Authorization", "Bearer xinan_000000000000_" + "A".repeat(43)).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/rooms", "Authorization", "Basic Y2l0eTpwdw==").statusCode()).isEqualTo(401);
    }

    @Test
    void aForgedOrStaleSessionIsSignedOutAndItsCookieCleared() {
        clock.advance(Duration.ofMinutes(2));
        HttpResponse<String> forged = get("/api/v1/rooms", "Cookie", "xinan_session=" + UUID.randomUUID());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("xinan_session=;") && c.contains("Max-Age=0"));

        Accounts.Session idle = Accounts.signIn(base(), "city", Accounts.PASSWORD);
        assertThat(get("/api/v1/rooms", "Cookie", idle.cookie()).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(29));
        assertThat(get("/api/v1/rooms", "Cookie", idle.cookie()).statusCode()).as("used within 30 minutes").isEqualTo(200);
        clock.advance(Duration.ofMinutes(30));
        assertThat(get("/api/v1/rooms", "Cookie", idle.cookie()).statusCode()).as("30 minutes unused").isEqualTo(401);

        Accounts.Session busy = Accounts.signIn(base(), "city", Accounts.PASSWORD);
        for (int i = 0; i < 12 * 3 - 1; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(get("/api/v1/rooms", "Cookie", busy.cookie()).statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(get("/api/v1/rooms", "Cookie", busy.cookie()).statusCode()).as("12 hours after sign-in").isEqualTo(401);
    }

    @Test
    void signingOutNeedsTheSessionsCsrfTokenAndASameOriginAndEndsTheSession() throws IOException {
        clock.advance(Duration.ofMinutes(2));
        Accounts.Session s = Accounts.signIn(base(), "dongbao", Accounts.PASSWORD);

        assertThat(post("/signout", Map.of("Cookie", s.cookie())).statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(post("/signout", Map.of("Cookie", s.cookie(), "X-CSRF-Token", "forged")).statusCode()).isEqualTo(403);
        assertThat(post("/signout", Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf(), "Origin", "http://evil.example"))
                .statusCode()).as("a foreign origin").isEqualTo(403);
        assertThat(get("/api/v1/rooms", "Cookie", s.cookie()).statusCode()).as("still signed in").isEqualTo(200);

        HttpResponse<String> out = post("/signout", Map.of("Cookie", s.cookie(), "X-CSRF-Token", s.csrf()));
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("xinan_session=;"));
        assertThat(get("/api/v1/rooms", "Cookie", s.cookie()).statusCode()).isEqualTo(401);
        assertThat(auditLines()).anyMatch(l -> l.contains("\"action\":\"sign-out\"") && l.contains("\"user\":\"dongbao\""));
    }

    @Test
    void theSignInFormNeedsItsOwnCsrfCookieAndRedirectsOnlyWithinTheSite() {
        clock.advance(Duration.ofMinutes(2));
        HttpResponse<String> noCookie = Accounts.send(HttpRequest.newBuilder(URI.create(base() + "/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=city&password=" + Accounts.PASSWORD + "&csrf=x")).build());
        assertThat(noCookie.statusCode()).isEqualTo(403);
        assertThat(Accounts.cookie(noCookie, "xinan_session")).isEmpty();

        HttpResponse<String> page = get("/signin?next=//evil.example/x", null, null);
        assertThat(page.body()).contains("name=\"next\" value=\"/\"").doesNotContain("evil.example");
        assertThat(page.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("xinan_signin=") && c.contains("HttpOnly")
                && c.contains("SameSite=Strict"));
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(get("/", "Authorization", "Bearer " + accounts.token("city")).headers().firstValue("X-Frame-Options"))
                .as("the signed-in page never goes into a frame").contains("DENY");
    }

    @Test
    void aDisabledPersonCannotSignInAndLosesSessionsAndTokensAtOnce() {
        clock.advance(Duration.ofMinutes(2));
        assertThat(Accounts.postSignIn(base(), "gone", Accounts.PASSWORD).status()).isEqualTo(401);
        assertThat(get("/api/v1/rooms", "Authorization", "Bearer " + accounts.token("gone")).statusCode()).isEqualTo(401);

        Accounts.Session s = Accounts.signIn(base(), "inspector", Accounts.PASSWORD);
        People people = People.load(registryDir);
        people.replace(people.require("inspector").withDisabled(true)).save(registryDir);
        try {
            assertThat(get("/api/v1/rooms", "Cookie", s.cookie()).statusCode()).isEqualTo(401);
            assertThat(get("/api/v1/rooms", "Authorization", "Bearer " + accounts.token("inspector")).statusCode()).isEqualTo(401);
        } finally {
            people.save(registryDir);
        }
        assertThat(get("/api/v1/rooms", "Authorization", "Bearer " + accounts.token("inspector")).statusCode()).isEqualTo(200);
    }

    @Test
    void fiveWrongPasswordsLockTheNameForAQuarterOfAnHourWhetherOrNotItExists() throws IOException {
        clock.advance(Duration.ofMinutes(2));
        for (String user : List.of("school1", "nobody-at-all")) {
            for (int i = 0; i < 5; i++) {
                assertThat(Accounts.postSignIn(base(), user, "wrong-password-" + i).status()).isEqualTo(401);
            }
            Accounts.SignIn locked = Accounts.postSignIn(base(), user, Accounts.PASSWORD);
            assertThat(locked.status()).isEqualTo(429);
            assertThat(locked.body()).contains("暂时锁定");
        }
        assertThat(auditLines()).anyMatch(l -> l.contains("\"action\":\"lockout\"") && l.contains("\"user\":\"school1\""))
                .anyMatch(l -> l.contains("\"action\":\"sign-in\",\"outcome\":\"failure\"") && l.contains("\"user\":\"school1\""))
                .anyMatch(l -> l.contains("\"action\":\"sign-in\",\"outcome\":\"locked\""));
        clock.advance(Duration.ofMinutes(15));
        assertThat(Accounts.postSignIn(base(), "school1", Accounts.PASSWORD).status()).isEqualTo(303);
        assertThat(auditLines().getLast()).contains("\"action\":\"sign-in\",\"outcome\":\"success\"", "\"user\":\"school1\"",
                "\"from\":\"127.0.0.1\"");
    }

    @Test
    void oneAddressGetsThirtySignInAttemptsAMinute() {
        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 30; i++) {
            Accounts.postSignIn(base(), "user-" + i, "wrong-password-1");
        }
        Accounts.SignIn limited = Accounts.postSignIn(base(), "city", Accounts.PASSWORD);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.sessionCookie()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(Accounts.postSignIn(base(), "city", Accounts.PASSWORD).status()).isEqualTo(303);
    }

    private static boolean visible(Scope scope, String roomId) {
        RoomRecord r = ROOMS.stream().filter(x -> x.roomId().equals(roomId)).findFirst().orElseThrow();
        return scope.covers(r.county(), r.school());
    }

    /** Everything naming a room outside {@code scope}: its id, name and device, and its school or county when no room in scope shares them. */
    private static List<String> foreignNames(Scope scope) {
        List<RoomRecord> inScope = ROOMS.stream().filter(r -> scope.covers(r.county(), r.school())).toList();
        Set<String> ownSchools = new HashSet<>(inScope.stream().map(RoomRecord::school).toList());
        Set<String> ownCounties = new HashSet<>(inScope.stream().map(RoomRecord::county).toList());
        List<String> out = new ArrayList<>();
        for (RoomRecord r : ROOMS) {
            if (scope.covers(r.county(), r.school())) {
                continue;
            }
            out.add(r.roomId());
            out.add(r.name());
            out.add(DEVICE_OF.get(r.roomId()));
            if (!ownSchools.contains(r.school())) {
                out.add(r.school());
            }
            if (!ownCounties.contains(r.county())) {
                out.add(r.county());
            }
        }
        if (scope.kind() != Scope.Kind.CITY) {
            out.add("ghost");
        }
        return out;
    }

    private static List<String> auditLines() throws IOException {
        return Files.readAllLines(dir.resolve("audit/audit.jsonl"), StandardCharsets.UTF_8);
    }
}
