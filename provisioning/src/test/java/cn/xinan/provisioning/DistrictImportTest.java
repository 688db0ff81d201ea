package cn.xinan.provisioning;

import cn.xinan.rules.Tier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Importing the district's CSV files: one clear error per problem, and nothing changes when there is one. */
class DistrictImportTest {
    @TempDir
    Path dir;

    private District district;
    private Path schools;

    @BeforeEach
    void aDistrictWithOneSchool() throws IOException {
        district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        schools = write("schools.csv", "school,name,county\njm-db-001,东宝实验小学,东宝区\njm-dd-001,掇刀区实验初级中学,掇刀区\n");
        district.importCsv(Optional.of(schools), Optional.of(write("rooms.csv",
                "school,room,tier,name\njm-db-001,jm-db-001-r1,示范,心理辅导室\n")));
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private Path writeBytes(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private void assertUnchanged() {
        Registry saved = Registry.load(district.registryDir());
        assertThat(saved.rooms()).extracting(RoomRecord::roomId).containsExactly("jm-db-001-r1");
        assertThat(saved.schools()).extracting(SchoolRecord::name).containsExactly("东宝实验小学", "掇刀区实验初级中学");
    }

    @Test
    void importsSchoolsWithNamesAndRoomsWithTheirSchoolsCounty() throws IOException {
        Path rooms = write("rooms2.csv", """
                \uFEFFschool,room,tier,name
                jm-dd-001,jm-dd-001-r1,qualified,"放松室, 二楼"
                jm-db-001,jm-db-001-r1,合格,心理辅导室
                """);
        Registry r = district.importCsv(Optional.empty(), Optional.of(rooms));
        assertThat(r.room("jm-dd-001-r1")).contains(
                new RoomRecord("掇刀区", "jm-dd-001", "jm-dd-001-r1", Tier.QUALIFIED, "放松室, 二楼"));
        assertThat(r.room("jm-db-001-r1").orElseThrow().tier()).isEqualTo(Tier.QUALIFIED);
        Registry saved = Registry.load(district.registryDir());
        assertThat(saved.school("jm-dd-001")).contains(new SchoolRecord("jm-dd-001", "掇刀区实验初级中学", "掇刀区"));
        // the collector's old reader still reads the rooms file
        assertThat(Registry.readRoomsCsv(district.registryDir().resolve(Registry.ROOMS_FILE))).hasSize(2);
    }

    @Test
    void aBadTierNamesFileLineAndColumn() throws IOException {
        Path rooms = write("rooms.csv", "school,room,tier,name\njm-db-001,jm-db-001-r2,gold,沙盘室\n");
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(rooms)))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("rooms.csv line 2, column 3 (tier): unknown room tier 'gold'");
        assertUnchanged();
    }

    @Test
    void aDuplicateRoomNamesBothLines() throws IOException {
        Path rooms = write("rooms.csv", "school,room,tier,name\njm-db-001,jm-db-001-r2,合格,沙盘室\n"
                + "jm-db-001,jm-db-001-r3,合格,放松室\njm-db-001,jm-db-001-r2,示范,沙盘室\n");
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(rooms)))
                .hasMessage("rooms.csv line 4, column 2 (room): room jm-db-001-r2 is already on line 2");
        assertUnchanged();
    }

    @Test
    void anUnknownSchoolIsNamed() throws IOException {
        Path rooms = write("rooms.csv", "school,room,tier,name\njm-db-001,jm-db-001-r2,合格,沙盘室\njm-xx-009,jm-xx-009-r1,合格,辅导室\n");
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(rooms)))
                .hasMessage("rooms.csv line 3, column 1 (school): unknown school 'jm-xx-009'; add it to the schools file first");
        assertUnchanged();
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithWhereItWentWrong() throws IOException {
        Path gbk = writeBytes("schools.csv", "school,name,county\njm-db-002,东宝区第二中学,东宝区\n"
                .getBytes(Charset.forName("GB18030")));
        assertThatThrownBy(() -> district.importCsv(Optional.of(gbk), Optional.empty()))
                .hasMessageStartingWith("schools.csv line 2, column 11: byte 0xB6 is not UTF-8");
        assertUnchanged();
    }

    @Test
    void aRoomsFileInGbkIsRefusedAtItsFirstChineseCharacter() throws IOException {
        Path gbk = writeBytes("rooms.csv", "school,room,tier,name\njm-db-001,jm-db-001-r2,合格,沙盘室\n"
                .getBytes(Charset.forName("GBK")));
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(gbk)))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("rooms.csv line 2, column 24: byte 0xBA is not UTF-8; save the file as UTF-8");
        assertUnchanged();
    }

    @Test
    void aUtf16FileWithItsByteOrderMarkIsRefusedByName() throws IOException {
        // Excel's "Unicode text" and Notepad's "Unicode": UTF-16 little-endian with the byte order mark FF FE
        byte[] text = "\uFEFFschool,room,tier,name\r\njm-db-001,jm-db-001-r2,合格,沙盘室\r\n".getBytes(StandardCharsets.UTF_16LE);
        Path utf16 = writeBytes("rooms.csv", text);
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(utf16)))
                .hasMessage("rooms.csv line 1, column 1: the file is UTF-16 (its byte order mark is 0xFFFE, Excel's "
                        + "\"Unicode text\"); save it as UTF-8 (Excel: \"CSV UTF-8\")");
        assertUnchanged();
    }

    @Test
    void aByteOrderMarkIsAccepted() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "school,name,county\r\njm-db-002,东宝区第二中学,东宝区\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(text, 0, all, 3, text.length);
        Registry r = district.importCsv(Optional.of(writeBytes("schools.csv", all)), Optional.empty());
        assertThat(r.school("jm-db-002")).contains(new SchoolRecord("jm-db-002", "东宝区第二中学", "东宝区"));
    }

    @Test
    void aBadLineLateInTheFileChangesNothingEvenInTheOtherFile() throws IOException {
        Path newSchools = write("schools2.csv", "school,name,county\njm-db-001,改名小学,东宝区\njm-db-003,第三小学,东宝区\n");
        Path rooms = write("rooms.csv", "school,room,tier,name\njm-db-003,jm-db-003-r1,合格,辅导室\njm-db-003,jm-db-003-r2,合格,\n");
        assertThatThrownBy(() -> district.importCsv(Optional.of(newSchools), Optional.of(rooms)))
                .hasMessage("rooms.csv line 3, column 4 (name): is empty");
        assertUnchanged();
    }

    @Test
    void headerProblemsAreNamed() throws IOException {
        Path misspelt = write("rooms.csv", "school,room,teir,name\njm-db-001,jm-db-001-r2,合格,沙盘室\n");
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(misspelt)))
                .hasMessageStartingWith("rooms.csv line 1, column 3: unknown column 'teir'");
        Path wrongCounty = write("rooms.csv", "school,room,tier,name,county\njm-db-001,jm-db-001-r2,合格,沙盘室,掇刀区\n");
        assertThatThrownBy(() -> district.importCsv(Optional.empty(), Optional.of(wrongCounty)))
                .hasMessage("rooms.csv line 2, column 5 (county): county '掇刀区' is not the county of school jm-db-001 (东宝区)");
        assertUnchanged();
    }
}
