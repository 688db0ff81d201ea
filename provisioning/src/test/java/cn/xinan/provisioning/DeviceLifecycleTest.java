package cn.xinan.provisioning;

import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.provisioning.broker.MosquittoPasswordHash;
import cn.xinan.rules.Tier;
import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Adding, replacing, moving and retiring devices keeps their history: old events stay verifiable and in place. */
class DeviceLifecycleTest {
    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir
    Path dir;

    private District district;

    @BeforeEach
    void aDistrict() throws IOException {
        district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        Path schools = dir.resolve("schools.csv");
        Files.writeString(schools, "school,name,county\ns1,第一小学,东宝区\n");
        Path rooms = dir.resolve("rooms.csv");
        Files.writeString(rooms, "school,room,tier,name\ns1,s1-r1,合格,心理辅导室\ns1,s1-r2,合格,沙盘室\n");
        district.importCsv(Optional.of(schools), Optional.of(rooms));
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void aNewDeviceGetsAKeyAPasswordAndABundle() throws IOException {
        DeviceBundle bundle = district.addDevice("s1-r1", Optional.empty(), "ssl://mqtt.example.cn:8883");
        assertThat(bundle.deviceId()).isEqualTo("s1-r1-d1");
        Properties p = properties(bundle.dir().resolve(DeviceBundle.PROPERTIES));
        assertThat(p.getProperty("device.id")).isEqualTo("s1-r1-d1");
        assertThat(Ed25519Keys.privateKeyFromBase64(p.getProperty("device.privateKey")).publicKey())
                .isEqualTo(Registry.load(district.registryDir()).device("s1-r1-d1").orElseThrow().publicKey());
        assertThat(p.getProperty("mqtt.url")).isEqualTo("ssl://mqtt.example.cn:8883");
        assertThat(p.getProperty("room.name")).isEqualTo("心理辅导室");
        assertThat(p.getProperty("outbox.path")).isEqualTo("/var/lib/xinan/outbox.db");
        String hash = Registry.load(district.registryDir()).history("s1-r1-d1").orElseThrow().brokerPasswordHash();
        assertThat(MosquittoPasswordHash.matches(p.getProperty("mqtt.password"), hash)).isTrue();
        assertThat(Files.readString(district.registryDir().resolve(Registry.DEVICES_FILE)))
                .doesNotContain(p.getProperty("mqtt.password")).doesNotContain(p.getProperty("device.privateKey"));
        assertThat(Files.readString(bundle.dir().resolve(DeviceBundle.CHECKSUMS)))
                .contains(DeviceBundle.sha256(Files.readAllBytes(bundle.dir().resolve(DeviceBundle.PROPERTIES)))
                        + "  device.properties");
        assertThat(Files.readString(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE))).startsWith("s1-r1-d1:$7$101$");
        assertThat(district.addDevice("s1-r1", Optional.empty(), "ssl://h:8883").deviceId()).isEqualTo("s1-r1-d2");
    }

    @Test
    void aReplacedDeviceKeepsItsOldKeyForWhatItRecordedBefore() {
        DeviceBundle first = district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        DeviceBundle second = district.replaceDevice("pi-7", APRIL, "ssl://h:8883");
        Registry r = Registry.load(district.registryDir());
        Ed25519Keys.PublicKey oldKey = first.privateKey().publicKey();
        Ed25519Keys.PublicKey newKey = second.privateKey().publicKey();
        assertThat(r.keyOf("pi-7", MARCH)).contains(oldKey);
        assertThat(r.keyOf("pi-7", APRIL.minusNanos(1))).contains(oldKey);
        assertThat(r.keyOf("pi-7", APRIL)).contains(newKey);
        assertThat(r.device("pi-7").orElseThrow().publicKey()).isEqualTo(newKey);
        assertThat(r.roomOf("pi-7", APRIL.plusSeconds(5))).contains("s1-r1");
        assertThat(second.password()).isNotEqualTo(first.password());
    }

    @Test
    void aMovedDeviceLeavesItsPastInTheOldRoom() {
        district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        district.moveDevice("pi-7", "s1-r2", APRIL);
        Registry r = Registry.load(district.registryDir());
        assertThat(r.roomOf("pi-7", MARCH)).contains("s1-r1");
        assertThat(r.roomOf("pi-7", APRIL)).contains("s1-r2");
        assertThat(r.devicesOfRoom("s1-r2")).extracting(DeviceRecord::deviceId).containsExactly("pi-7");
        assertThat(r.devicesOfRoom("s1-r1")).isEmpty();
        assertThatThrownBy(() -> district.moveDevice("pi-7", "s1-r1", MARCH))
                .hasMessageContaining("is not after the one before");
    }

    @Test
    void aMovedDeviceWhoseBundleIsStillHereGetsItRewrittenWithTheNewRoomsNameAndTheSameSecrets() throws IOException {
        DeviceBundle before = district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        Properties old = properties(before.dir().resolve(DeviceBundle.PROPERTIES));

        District.Moved moved = district.moveDevice("pi-7", "s1-r2", APRIL);

        assertThat(moved.from().roomId()).isEqualTo("s1-r1");
        assertThat(moved.to().name()).isEqualTo("沙盘室");
        DeviceBundle after = moved.bundle().orElseThrow();
        assertThat(after.dir()).isEqualTo(before.dir());
        Properties p = properties(after.dir().resolve(DeviceBundle.PROPERTIES));
        assertThat(p.getProperty("room.name")).isEqualTo("沙盘室");
        // the card keeps its key and password: what it records until the card is changed is still accepted
        assertThat(p.getProperty("device.privateKey")).isEqualTo(old.getProperty("device.privateKey"));
        assertThat(p.getProperty("mqtt.password")).isEqualTo(old.getProperty("mqtt.password"));
        assertThat(p.getProperty("mqtt.url")).isEqualTo("ssl://h:8883");
        assertThat(Registry.load(district.registryDir()).keyOf("pi-7", APRIL.plusSeconds(60)))
                .contains(before.privateKey().publicKey());
        assertThat(Files.readString(after.dir().resolve(DeviceBundle.CHECKSUMS)))
                .contains(DeviceBundle.sha256(Files.readAllBytes(after.dir().resolve(DeviceBundle.PROPERTIES)))
                        + "  device.properties");
    }

    @Test
    void aMovedDeviceWhoseBundleWasDeletedAfterInstallationGetsNoNewKey() throws IOException {
        DeviceBundle installed = district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        try (var files = Files.list(installed.dir())) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(installed.dir());

        District.Moved moved = district.moveDevice("pi-7", "s1-r2", APRIL);

        assertThat(moved.bundle()).isEmpty();
        assertThat(installed.dir()).doesNotExist();
        assertThat(Registry.load(district.registryDir()).history("pi-7").orElseThrow().keys()).hasSize(1);
    }

    @Test
    void aRetiredDeviceLosesItsAccountAndItsBundleButKeepsItsPast() throws IOException {
        DeviceBundle bundle = district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883");
        district.retireDevice("pi-7", APRIL);
        Registry r = Registry.load(district.registryDir());
        assertThat(r.device("pi-7")).isEmpty();
        assertThat(r.keyOf("pi-7", MARCH)).contains(bundle.privateKey().publicKey());
        assertThat(r.roomOf("pi-7", MARCH)).contains("s1-r1");
        assertThat(r.keyOf("pi-7", APRIL)).isEmpty();
        assertThat(r.roomOf("pi-7", APRIL)).isEmpty();
        assertThat(bundle.dir()).doesNotExist();
        assertThat(Files.readString(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE))).doesNotContain("pi-7");
        assertThatThrownBy(() -> district.addDevice("s1-r1", Optional.of("pi-7"), "ssl://h:8883"))
                .hasMessageContaining("retired; a retired id is never reused");
        assertThatThrownBy(() -> district.replaceDevice("pi-7", APRIL.plusSeconds(60), "ssl://h:8883"))
                .hasMessageContaining("was retired");
    }

    @Test
    void unknownRoomsAndDevicesAreNamed() {
        assertThatThrownBy(() -> district.addDevice("s9-r1", Optional.empty(), "ssl://h:8883"))
                .hasMessage("unknown room 's9-r1'; import it first (xinan provision import)");
        assertThatThrownBy(() -> district.retireDevice("nope", APRIL)).hasMessage("unknown device 'nope'");
    }

    @Test
    void theFirstLayoutIsStillRead() throws IOException {
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Ed25519Keys.PublicKey key = Ed25519Keys.generate(new SecureRandom()).publicKey();
        Files.writeString(old.resolve("rooms.csv"), "county,school,room,tier,name\n东宝区,s1,s1-r1,合格,辅导室\n");
        Files.writeString(old.resolve("devices.csv"), "device,room,publicKey\nd1,s1-r1," + key.toBase64() + "\n");
        Registry r = Registry.load(old);
        assertThat(r.devices()).containsExactly(new DeviceRecord("d1", "s1-r1", key));
        assertThat(r.keyOf("d1", Instant.EPOCH)).contains(key);
        assertThat(r.roomOf("d1", Instant.now())).contains("s1-r1");
        assertThat(r.school("s1")).contains(new SchoolRecord("s1", "s1", "东宝区"));
        assertThat(r.rooms()).containsExactly(new RoomRecord("东宝区", "s1", "s1-r1", Tier.QUALIFIED, "辅导室"));
        // saved again, it is in the new layout and reads back the same
        r.save(old);
        assertThat(Registry.load(old).histories()).isEqualTo(r.histories());
        assertThat(List.of(Files.readString(old.resolve("devices.csv")).split("\n")).getFirst())
                .isEqualTo("device,retiredAt,brokerPasswordHash");
    }
}
