package cn.xinan.collector.audit;

import cn.xinan.collector.api.Api;
import cn.xinan.collector.api.ApiContext;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.ingest.IngestCounters;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/audit} and {@code /api/v1/audit/bundle} over the audit fixture, registered beside the REST API. */
@RoutingTest
class AuditEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static AuditFixture fixture;
    private static CollectorKey key;
    private static String token;

    private final DirectClient client;

    AuditEndpointsTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) throws IOException {
        dir = Files.createTempDirectory("xinan-audit-api-test");
        fixture = new AuditFixture(dir);
        key = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom());
        // behind the access filter, called as the launcher's city-wide internal inspector (roles: AccessMatrixTest)
        cn.xinan.collector.access.Access access = new cn.xinan.collector.access.Access(
                cn.xinan.collector.access.AccessSettings.in(Files.createDirectories(dir.resolve("access"))),
                fixture.registry, java.time.Clock.systemUTC());
        token = access.internalToken();
        Api.routing(routing, new ApiContext(fixture.registry, fixture.store, fixture.verdicts, new IngestCounters(),
                new DeviceStatusBoard(fixture.registry), () -> true, access));
        routing.register(Api.PREFIX, new AuditEndpoints(fixture.audits, key, access,
                AuditEndpoints.PdfSource.locate(java.util.Optional.empty())));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        fixture.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private ClientResponseTyped<byte[]> get(Map<String, String[]> query) {
        var request = client.get("/api/v1/audit" + (query.containsKey("bundle") ? "/bundle" : ""))
                .header(io.helidon.http.HeaderNames.AUTHORIZATION, "Bearer " + token);
        query.forEach((name, values) -> {
            if (!name.equals("bundle")) {
                request.queryParam(name, values);
            }
        });
        return request.request(byte[].class);
    }

    @Test
    void jsonByDefaultCoversTheDemonstrationRoomsOfTheScope() throws IOException {
        var res = get(Map.of("from", new String[]{"2025-03-03"}, "to", new String[]{"2025-03-09"}));
        assertThat(res.status()).isEqualTo(Status.OK_200);
        JsonNode doc = JSON.readTree(res.entity());
        assertThat(doc.get("format").asText()).isEqualTo(AuditJson.FORMAT);
        assertThat(doc.at("/scope/tiers/0").asText()).isEqualTo("示范");
        assertThat(doc.get("rooms")).extracting(r -> r.get("room").asText()).containsExactly("r1", "r3");
        JsonNode expected = JSON.readTree(AuditJson.toJson(fixture.audits.audit(AuditScope.demonstrationRooms(),
                AuditFixture.FROM, AuditFixture.TO)));
        assertThat(doc.get("rooms")).isEqualTo(expected.get("rooms"));
        assertThat(doc.get("compliance")).isEqualTo(expected.get("compliance"));
    }

    @Test
    void csvOfACountyInEveryTierStartsWithABom() {
        var res = get(Map.of("from", new String[]{"2025-03-03"}, "to", new String[]{"2025-03-09"},
                "county", new String[]{"东宝区"}, "tier", new String[]{"all"}, "format", new String[]{"csv"}));
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.headers().contentType().orElseThrow().text()).startsWith("text/csv");
        String text = new String(res.entity(), StandardCharsets.UTF_8);
        assertThat(text).startsWith(AuditCsv.BOM + String.join(",", AuditCsv.COLUMNS) + "\r\n");
        assertThat(text).contains(",r1,").contains(",r2,").doesNotContain(",r3,");
    }

    @Test
    void theBundleIsASignedZipThatVerifies() throws Exception {
        var res = get(Map.of("bundle", new String[0], "from", new String[]{"2025-03-03"}, "to", new String[]{"2025-03-09"},
                "room", new String[]{"r1"}));
        assertThat(res.status()).isEqualTo(Status.OK_200);
        assertThat(res.headers().contentType().orElseThrow().text()).isEqualTo("application/zip");
        assertThat(res.headers().first(HeaderNames.CONTENT_DISPOSITION).orElseThrow())
                .contains("xinan-audit-2025-03-03-2025-03-09.zip");
        Path zip = Files.write(dir.resolve("from-api.zip"), res.entity());
        BundleVerifier.Result result = BundleVerifier.verify(zip, Optional.of(key.publicKey()));
        assertThat(result.problems()).isEmpty();
        assertThat(result.lines()).contains("room r1 week 2025-W10: figures match");
    }

    @Test
    void badParametersAreNamed() throws IOException {
        var missing = get(Map.of("to", new String[]{"2025-03-09"}));
        assertThat(missing.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(JSON.readTree(missing.entity()).get("parameter").asText()).isEqualTo("from");
        var tier = get(Map.of("from", new String[]{"2025-03-03"}, "to", new String[]{"2025-03-09"}, "tier", new String[]{"gold"}));
        assertThat(tier.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(JSON.readTree(tier.entity()).get("parameter").asText()).isEqualTo("tier");
        var format = get(Map.of("from", new String[]{"2025-03-03"}, "to", new String[]{"2025-03-09"}, "format", new String[]{"docx"}));
        assertThat(format.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(JSON.readTree(format.entity()).get("parameter").asText()).isEqualTo("format");
        var room = get(Map.of("from", new String[]{"2025-03-03"}, "to", new String[]{"2025-03-09"}, "room", new String[]{"r9"}));
        assertThat(room.status()).isEqualTo(Status.NOT_FOUND_404);
    }
}
