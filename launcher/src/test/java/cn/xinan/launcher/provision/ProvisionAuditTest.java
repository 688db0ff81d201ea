package cn.xinan.launcher.provision;

import cn.xinan.launcher.Xinan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code xinan provision} command that changes the registry or the district's set-up appends its line to
 * {@code registry/audit.jsonl}, naming the operating-system account that ran it; a refused command appends one
 * {@code refused} line and changes nothing.
 */
class ProvisionAuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ME = System.getProperty("user.name");

    @TempDir
    Path dir;
    private Path district;

    private record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        CommandLine cli = Xinan.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = cli.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    private Run provision(String... args) {
        List<String> all = new ArrayList<>(List.of("provision"));
        all.addAll(List.of(args));
        all.addAll(List.of("-d", district.toString()));
        return run(all.toArray(String[]::new));
    }

    private List<JsonNode> audit() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(district.resolve("registry/audit.jsonl"), StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private JsonNode last() throws IOException {
        return audit().getLast();
    }

    @BeforeEach
    void aDistrict() throws IOException {
        district = dir.resolve("district");
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\njm-db-001,东宝实验小学,东宝区\n");
        Files.writeString(dir.resolve("rooms.csv"),
                "school,room,tier,name\njm-db-001,jm-db-001-r1,示范,心理辅导室\njm-db-001,jm-db-001-r2,合格,沙盘室\n");
        assertThat(provision("import", "--schools", dir.resolve("schools.csv").toString(),
                "--rooms", dir.resolve("rooms.csv").toString()).status()).isZero();
    }

    @Test
    void eachCommandAppendsItsLineWithTheOperatingSystemAccount() throws IOException {
        assertThat(audit()).extracting(e -> e.path("action").asText())
                .containsExactly("school-add", "room-add", "room-add", "import");
        assertThat(last().path("by").asText()).isEqualTo(ME);
        assertThat(last().path("via").asText()).isEqualTo("xinan provision");

        assertThat(provision("broker", "--host", "mqtt.example.cn").status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("broker-files");
        assertThat(last().path("certificateNames").asText()).isEqualTo("mqtt.example.cn");

        assertThat(provision("device", "add", "--room", "jm-db-001-r1").status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("device-add");
        assertThat(last().path("device").asText()).isEqualTo("jm-db-001-r1-d1");
        assertThat(last().path("school").asText()).isEqualTo("jm-db-001");

        assertThat(provision("device", "replace", "--device", "jm-db-001-r1-d1", "--from", "2026-03-01").status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("device-replace");
        assertThat(last().path("after").asText()).endsWith(" from 2026-02-28T16:00:00Z");

        Run move = provision("device", "move", "--device", "jm-db-001-r1-d1", "--room", "jm-db-001-r2", "--from", "2026-03-02");
        assertThat(move.status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("device-move");
        assertThat(last().path("before").asText()).isEqualTo("room=jm-db-001-r1 (jm-db-001)");
        assertThat(last().path("after").asText()).isEqualTo("room=jm-db-001-r2 (jm-db-001) from 2026-03-01T16:00:00Z");
        // the bundle was still here: rewritten for the new room, and the output says to copy it onto the card
        assertThat(move.out()).contains("Bundle for the Pi: " + district.resolve("bundles/jm-db-001-r1-d1"),
                "room.name=沙盘室", "copy it onto the card");
        assertThat(Files.readString(district.resolve("bundles/jm-db-001-r1-d1/device.properties"))).contains("room.name=沙盘室");

        assertThat(provision("collector-account", "--name", "collector-1").status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("collector-account");
        assertThat(last().path("account").asText()).isEqualTo("collector-1");

        assertThat(provision("influxdb").status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("influxdb-setup");
        assertThat(last().path("rawPolicy").asText()).isEqualTo("xinan 1095d");
        assertThat(last().path("derivedPolicy").asText()).isEqualTo("xinan_derived INF");

        assertThat(provision("device", "retire", "--device", "jm-db-001-r1-d1", "--at", "2026-03-03").status()).isZero();
        assertThat(last().path("action").asText()).isEqualTo("device-retire");
        assertThat(last().path("after").asText()).isEqualTo("retired at 2026-03-02T16:00:00Z");

        assertThat(audit()).allSatisfy(e -> {
            assertThat(e.path("outcome").asText()).isEqualTo("success");
            assertThat(e.path("by").asText()).isEqualTo(ME);
            assertThat(e.path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        });
        // passwords and private keys never reach the log
        String log = Files.readString(district.resolve("registry/audit.jsonl"));
        assertThat(log).doesNotContain(Files.readString(district.resolve("secrets/collector-collector-1.password")).strip(),
                Files.readString(district.resolve("secrets/influxdb-collector.password")).strip(), "privateKey");
    }

    @Test
    void aMoveWhoseBundleWasDeletedSaysWhatToChangeOnTheCard() throws IOException {
        assertThat(provision("device", "add", "--room", "jm-db-001-r1", "--broker-url", "ssl://h:8883").status()).isZero();
        Path bundle = district.resolve("bundles/jm-db-001-r1-d1");
        try (var files = Files.list(bundle)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Run move = provision("device", "move", "--device", "jm-db-001-r1-d1", "--room", "jm-db-001-r2", "--from", "2026-03-02");
        assertThat(move.status()).isZero();
        assertThat(move.out()).contains("Its bundle is no longer in", "set room.name=沙盘室 in /etc/xinan/device.properties");
        assertThat(last().path("bundle").asText()).isEqualTo("none");
    }

    @Test
    void aRefusedCommandAppendsOneRefusedLineAndChangesNothing() throws IOException {
        int before = audit().size();
        String rooms = Files.readString(district.resolve("registry/rooms.csv"));
        Files.writeString(dir.resolve("bad.csv"), "school,room,tier,name\njm-db-001,jm-db-001-r1,gold,心理辅导室\n");

        Run bad = provision("import", "--rooms", dir.resolve("bad.csv").toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).startsWith("xinan: bad.csv line 2, column 3 (tier): unknown room tier 'gold'");
        Run keep = provision("influxdb", "--keep", "30d");
        assertThat(keep.status()).isEqualTo(2);
        assertThat(district.resolve("secrets/influxdb-setup.influxql")).as("a refused set-up writes nothing").doesNotExist();
        Run move = provision("device", "move", "--device", "ghost", "--room", "jm-db-001-r2", "--from", "2026-03-02");
        assertThat(move.status()).isEqualTo(2);
        Files.writeString(dir.resolve("admin.password"), "admin-secret\n");
        Run apply = provision("influxdb", "--apply", "--influxdb-url", "http://no such host", "--admin-password-file",
                dir.resolve("admin.password").toString());
        assertThat(apply.status()).isEqualTo(2);
        assertThat(apply.err()).startsWith("xinan: --influxdb-url 'http://no such host' is not a URL");

        List<JsonNode> all = audit();
        List<JsonNode> refused = all.subList(before, all.size());
        assertThat(refused).extracting(e -> e.path("action").asText() + " " + e.path("outcome").asText())
                .containsExactly("import refused", "influxdb-setup refused", "device-move refused",
                        "influxdb-setup success", "influxdb-apply refused");
        assertThat(refused.get(0).path("reason").asText()).contains("unknown room tier 'gold'");
        assertThat(refused.get(1).path("reason").asText()).contains("shorter than 400 days");
        assertThat(refused.get(2).path("reason").asText()).isEqualTo("unknown device 'ghost'");
        assertThat(Files.readString(district.resolve("registry/rooms.csv"))).isEqualTo(rooms);
        assertThat(Files.readString(district.resolve("registry/audit.jsonl"))).doesNotContain("admin-secret");
    }
}
