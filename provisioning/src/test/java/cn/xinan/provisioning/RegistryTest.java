package cn.xinan.provisioning;

import cn.xinan.rules.Tier;
import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsTheReplayRoomsCsvWithChineseAndEnglishTiers() throws IOException {
        Path file = write("rooms.csv", """
                \uFEFFcounty,school,room,tier,name
                东宝区,jm-db-001,jm-db-001-r1,示范,东宝实验小学心理辅导室
                掇刀区,jm-dd-001,jm-dd-001-r1,qualified,"掇刀区实验初级中学, 心理辅导室"
                """);
        List<RoomRecord> rooms = Registry.readRoomsCsv(file);
        assertThat(rooms).containsExactly(
                new RoomRecord("东宝区", "jm-db-001", "jm-db-001-r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室"),
                new RoomRecord("掇刀区", "jm-dd-001", "jm-dd-001-r1", Tier.QUALIFIED, "掇刀区实验初级中学, 心理辅导室"));
    }

    @Test
    void anUnknownTierNamesFileLineAndColumn() throws IOException {
        Path file = write("rooms.csv", "county,school,room,tier,name\n东宝区,s1,r1,gold,Room\n");
        assertThatThrownBy(() -> Registry.readRoomsCsv(file))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("rooms.csv line 2, column tier: unknown room tier 'gold'");
    }

    @Test
    void aMissingHeaderColumnIsNamed() throws IOException {
        Path file = write("rooms.csv", "county,school,room,name\n东宝区,s1,r1,Room\n");
        assertThatThrownBy(() -> Registry.readRoomsCsv(file))
                .hasMessageContaining("rooms.csv line 1: header lacks column 'tier'");
    }

    @Test
    void aLineWithTheWrongNumberOfFieldsIsNamed() throws IOException {
        Path file = write("rooms.csv", "county,school,room,tier,name\n东宝区,s1,r1,合格\n");
        assertThatThrownBy(() -> Registry.readRoomsCsv(file))
                .hasMessage("rooms.csv line 2: 4 fields, the header has 5");
    }

    @Test
    void anInvalidRoomIdOrEmptyFieldIsNamed() throws IOException {
        Path bad = write("rooms.csv", "county,school,room,tier,name\n东宝区,s1,room one,合格,Room\n");
        assertThatThrownBy(() -> Registry.readRoomsCsv(bad)).hasMessageContaining("rooms.csv line 2: room id 'room one'");
        Path empty = write("rooms.csv", "county,school,room,tier,name\n,s1,r1,合格,Room\n");
        assertThatThrownBy(() -> Registry.readRoomsCsv(empty)).hasMessage("rooms.csv line 2: county is empty");
    }

    @Test
    void brokenQuotingIsNamed() throws IOException {
        Path file = write("rooms.csv", "county,school,room,tier,name\n东宝区,s1,r1,合格,\"Room\n");
        assertThatThrownBy(() -> Registry.readRoomsCsv(file)).hasMessage("rooms.csv line 2: unterminated quoted field 5");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> Registry.load(dir)).hasMessageEndingWith("rooms.csv: file not found");
    }

    @Test
    void savesAndLoadsRoomsAndDevicesWithTheirKeys() {
        Ed25519Keys.PrivateKey key = Ed25519Keys.generate(new SecureRandom());
        RoomRecord room = new RoomRecord("东宝区", "jm-db-001", "jm-db-001-r1", Tier.UNRATED, "Room \"A\", east");
        DeviceRecord device = new DeviceRecord("dev-1", "jm-db-001-r1", key.publicKey());
        new Registry(List.of(room), List.of(device)).save(dir);

        Registry loaded = Registry.load(dir);
        assertThat(loaded.rooms()).containsExactly(room);
        assertThat(loaded.device("dev-1")).contains(device);
        assertThat(loaded.devicesOfRoom("jm-db-001-r1")).containsExactly(device);
        assertThat(loaded.device("dev-2")).isEmpty();
    }

    @Test
    void aDeviceInAnUnknownRoomOrARoomTwiceIsRejected() {
        Ed25519Keys.PrivateKey key = Ed25519Keys.generate(new SecureRandom());
        RoomRecord room = new RoomRecord("东宝区", "s1", "r1", Tier.QUALIFIED, "Room");
        assertThatThrownBy(() -> new Registry(List.of(room), List.of(new DeviceRecord("d1", "r2", key.publicKey()))))
                .hasMessage("device d1 is installed in unknown room r2");
        assertThatThrownBy(() -> new Registry(List.of(room, room), List.of()))
                .hasMessage("room r1 is registered twice");
    }

    @Test
    void aBadPublicKeyInDevicesCsvIsNamed() throws IOException {
        write("rooms.csv", "county,school,room,tier,name\n东宝区,s1,r1,合格,Room\n");
        write("devices.csv", "device,room,publicKey\nd1,r1,not-base64!\n");
        assertThatThrownBy(() -> Registry.load(dir))
                .hasMessageStartingWith("devices.csv line 2, column publicKey: public key is not Base64");
    }
}
