package cn.xinan.provisioning;

import cn.xinan.provisioning.audit.Operator;
import cn.xinan.provisioning.broker.BrokerFiles;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every registry change is one line in the district's audit log: who (the operating-system account), what, which
 * county, school, room and device, before and after; a refused change is one line saying so and changes nothing.
 */
class RegistryAuditTest {
    private static final Instant NOW = Instant.parse("2026-03-02T01:00:00Z");
    private static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
    private static final Operator IT = new Operator("it-wang", "xinan provision");

    @TempDir
    Path dir;

    private District district;

    @BeforeEach
    void aDistrict() throws IOException {
        district = District.open(dir.resolve("district"), Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom(), IT);
        district.importCsv(Optional.of(write("schools.csv", "school,name,county\ns1,第一小学,东宝区\n")),
                Optional.of(write("rooms.csv", "school,room,tier,name\ns1,s1-r1,合格,心理辅导室\ns1,s1-r2,合格,沙盘室\n")));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** The audit log's entries, each a flat JSON object of strings. */
    private List<Map<String, String>> entries() throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(district.auditFile(), StandardCharsets.UTF_8)) {
            Map<String, String> m = new LinkedHashMap<>();
            try (JsonParser p = new JsonFactory().createParser(line)) {
                assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, p.getText());
                }
            }
            out.add(m);
        }
        return out;
    }

    private List<Map<String, String>> newEntries(int before) throws IOException {
        List<Map<String, String>> all = entries();
        return all.subList(before, all.size());
    }

    @Test
    void anImportRecordsEverySchoolAndRoomAddedOrChangedThenTheImport() throws IOException {
        List<Map<String, String>> first = entries();
        assertThat(first).extracting(e -> e.get("action"))
                .containsExactly("school-add", "room-add", "room-add", "import");
        assertThat(first.get(1)).containsEntry("at", "2026-03-02T01:00:00Z").containsEntry("outcome", "success")
                .containsEntry("county", "东宝区").containsEntry("school", "s1").containsEntry("room", "s1-r1")
                .containsEntry("after", "tier=合格, name=心理辅导室, county=东宝区")
                .containsEntry("by", "it-wang").containsEntry("via", "xinan provision")
                .doesNotContainKey("before");
        assertThat(first.get(3)).containsEntry("schools", "0 -> 1").containsEntry("rooms", "0 -> 2")
                .containsEntry("changed", "3").containsEntry("roomsFile", dir.resolve("rooms.csv").toString());

        // a room's tier changes (its thresholds with it): before and after; an unchanged line records nothing
        district.importCsv(Optional.empty(), Optional.of(write("rooms2.csv",
                "school,room,tier,name\ns1,s1-r1,示范,心理辅导室\ns1,s1-r2,合格,沙盘室\n")));
        List<Map<String, String>> second = newEntries(first.size());
        assertThat(second).extracting(e -> e.get("action")).containsExactly("room-update", "import");
        assertThat(second.get(0)).containsEntry("room", "s1-r1")
                .containsEntry("before", "tier=合格, name=心理辅导室, county=东宝区")
                .containsEntry("after", "tier=示范, name=心理辅导室, county=东宝区");
    }

    @Test
    void aRefusedImportIsOneLineWithTheReasonAndChangesNothing() throws IOException {
        int before = entries().size();
        String registry = Files.readString(district.registryDir().resolve(Registry.ROOMS_FILE));
        Path bad = write("bad.csv", "school,room,tier,name\ns1,s1-r1,示范,心理辅导室\ns1,s1-r3,gold,新室\n");

        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(bad)))
                .hasMessageContaining("bad.csv line 3, column 3 (tier)");

        assertThat(newEntries(before)).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("action", "import").containsEntry("outcome", "refused")
                .containsEntry("roomsFile", bad.toString()).containsEntry("by", "it-wang")
                .hasEntrySatisfying("reason", r -> assertThat(r).contains("unknown room tier 'gold'")));
        assertThat(Files.readString(district.registryDir().resolve(Registry.ROOMS_FILE))).isEqualTo(registry);
        assertThat(District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom(), IT).registry().room("s1-r1")
                .orElseThrow().tier().chineseName()).isEqualTo("合格");
    }

    @Test
    void deviceChangesRecordTheirRoomSchoolAndBeforeAndAfter() throws IOException {
        int before = entries().size();
        DeviceBundle added = district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        DeviceBundle replaced = district.replaceDevice("pi-7", APRIL, "ssl://h:8883");
        district.moveDevice("pi-7", "s1-r2", APRIL.plusSeconds(3600));
        district.retireDevice("pi-7", APRIL.plusSeconds(7200));

        List<Map<String, String>> e = newEntries(before);
        assertThat(e).extracting(x -> x.get("action"))
                .containsExactly("device-add", "device-replace", "device-move", "device-retire");
        assertThat(e).allSatisfy(x -> assertThat(x).containsEntry("outcome", "success").containsEntry("device", "pi-7")
                .containsEntry("school", "s1").containsEntry("county", "东宝区").containsEntry("by", "it-wang"));
        String oldKey = added.privateKey().publicKey().toBase64();
        String newKey = replaced.privateKey().publicKey().toBase64();
        assertThat(e.get(0)).containsEntry("room", "s1-r1").containsEntry("after", "room=s1-r1, key=" + oldKey);
        assertThat(e.get(1)).containsEntry("before", "key=" + oldKey)
                .containsEntry("after", "key=" + newKey + " from 2026-04-01T00:00:00Z");
        assertThat(e.get(2)).containsEntry("room", "s1-r2").containsEntry("before", "room=s1-r1 (s1)")
                .containsEntry("after", "room=s1-r2 (s1) from 2026-04-01T01:00:00Z").containsEntry("bundle", "rewritten");
        assertThat(e.get(3)).containsEntry("room", "s1-r2").containsEntry("before", "in service, room=s1-r2")
                .containsEntry("after", "retired at 2026-04-01T02:00:00Z");
        // no secret of the device is ever written to the log
        String log = Files.readString(district.auditFile());
        assertThat(log).doesNotContain(added.password(), replaced.password(), added.privateKey().toBase64(),
                replaced.privateKey().toBase64());
    }

    @Test
    void refusedDeviceChangesAreRecordedAsRefused() throws IOException {
        district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        int before = entries().size();
        String devices = Files.readString(district.registryDir().resolve(Registry.DEVICES_FILE));

        assertThatThrownBy(() -> district.addDevice("s9-r1", Optional.empty(), "ssl://h:8883"));
        assertThatThrownBy(() -> district.moveDevice("pi-7", "s1-r1", APRIL));
        assertThatThrownBy(() -> district.retireDevice("ghost", APRIL));
        assertThatThrownBy(() -> district.collectorAccount("pi-7"));

        assertThat(newEntries(before)).extracting(x -> x.get("action") + " " + x.get("outcome") + ": " + x.get("reason"))
                .containsExactly(
                        "device-add refused: unknown room 's9-r1'; import it first (xinan provision import)",
                        "device-move refused: device pi-7 is already in room s1-r1",
                        "device-retire refused: unknown device 'ghost'",
                        "collector-account refused: 'pi-7' is a device's id; a collector account needs another name");
        assertThat(Files.readString(district.registryDir().resolve(Registry.DEVICES_FILE))).isEqualTo(devices);
    }

    @Test
    void brokerFilesAndCollectorAccountsAreRecorded() throws IOException {
        int before = entries().size();
        district.writeBrokerFiles(new BrokerFiles.Listener(Path.of("/etc/mosquitto/xinan"), 8883, ""), List.of("mqtt.example.cn"));
        String ca = DeviceBundle.sha256(Files.readAllBytes(district.brokerDir().resolve("ca.crt")));
        district.writeBrokerFiles(new BrokerFiles.Listener(Path.of("/etc/mosquitto/xinan"), 8883, ""), List.of());
        String password = district.collectorAccount("collector-1");
        district.collectorAccount("collector-1");

        List<Map<String, String>> e = newEntries(before);
        assertThat(e).extracting(x -> x.get("action"))
                .containsExactly("broker-files", "broker-files", "collector-account", "collector-account");
        assertThat(e.get(0)).containsEntry("before", "no CA").containsEntry("after", "CA sha256=" + ca
                + " (new CA and server certificate)").containsEntry("certificateNames", "mqtt.example.cn")
                .containsEntry("listener", "/etc/mosquitto/xinan port 8883");
        assertThat(e.get(1)).containsEntry("before", "CA sha256=" + ca).containsEntry("after", "CA sha256=" + ca + " (kept)");
        assertThat(e.get(2)).containsEntry("account", "collector-1").containsEntry("before", "no account")
                .containsEntry("after", "account with a password");
        assertThat(e.get(3)).containsEntry("before", "account with a password")
                .containsEntry("after", "account with a new password");
        assertThat(Files.readString(district.auditFile())).doesNotContain(password);
    }
}
