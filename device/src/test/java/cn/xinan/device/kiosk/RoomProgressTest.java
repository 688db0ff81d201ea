package cn.xinan.device.kiosk;

import cn.xinan.device.config.ConfigException;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.config.ProgressSettings;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kiosk's figures follow the rule settings and calendar the device is configured with, not the defaults. */
class RoomProgressTest {
    private static final Instant MONDAY_0800 = Instant.parse("2025-03-03T00:00:00Z"); // 08:00 in Asia/Shanghai

    @TempDir
    Path dir;

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("device.id", "room-1");
        p.setProperty("device.privateKey", Ed25519Keys.generate(new SecureRandom()).toBase64());
        p.setProperty("mqtt.url", "tcp://127.0.0.1:1883");
        p.setProperty("outbox.path", dir.resolve("outbox.db").toString());
        return p;
    }

    private static ProgressSettings progressOf(Properties p) {
        return DeviceConfig.parse(p).kiosk().progress();
    }

    /** Open at 08:00 with someone there, 45 minutes ago at {@code now}. */
    private static RoomProgress.Figures openFor45Minutes(ProgressSettings settings) {
        RoomProgress progress = new RoomProgress("room-1", settings);
        progress.reload(List.of(
                new DeviceEvent("e1", "room-1", 1, MONDAY_0800.minusSeconds(600), true, new EventBody.Boot("power_on", null)),
                new DeviceEvent("e2", "room-1", 2, MONDAY_0800, true, new EventBody.StaffOpen("T01")),
                new DeviceEvent("e3", "room-1", 3, MONDAY_0800, true, new EventBody.Presence(true))));
        return progress.at(MONDAY_0800.plus(Duration.ofMinutes(45)));
    }

    @Test
    void withoutRuleKeysTheFiguresUseTheRulesDefaults() {
        RoomProgress.Figures f = openFor45Minutes(progressOf(properties()));
        assertThat(f.schoolDay()).isTrue();
        assertThat(f.todayAttendedSeconds()).isEqualTo(45 * 60);
        assertThat(f.todayRequiredSeconds()).isEqualTo(3_600);
        assertThat(f.weekRequiredSeconds()).isEqualTo(36_000);
        assertThat(f.schoolDaysLeft()).as("Monday to Friday").isEqualTo(5);
    }

    @Test
    void theConfiguredThresholdsAndWeekPolicyAreTheOnesShown() {
        Properties p = properties();
        p.setProperty("rules.dailySeconds", "1800");
        p.setProperty("rules.weeklySeconds", "18000");
        RoomProgress.Figures f = openFor45Minutes(progressOf(p));
        assertThat(f.todayRequiredSeconds()).isEqualTo(1_800);
        assertThat(f.weekRequiredSeconds()).isEqualTo(18_000);
    }

    @Test
    void theConfiguredCalendarDecidesWhetherTodayIsASchoolDay() throws Exception {
        Path bureau = dir.resolve("calendar.json");
        Files.writeString(bureau, "{\"terms\": [{\"start\": \"2025-02-17\", \"end\": \"2025-07-04\"}]}");
        Path school = dir.resolve("school.json");
        Files.writeString(school, "{\"closures\": [\"2025-03-03\"]}"); // the school is closed this Monday
        Properties p = properties();
        p.setProperty("calendar.file", bureau.toString());
        p.setProperty("calendar.schoolFile", school.toString());
        p.setProperty("rules.weekPolicy", "prorate");
        ProgressSettings settings = progressOf(p);
        RoomProgress.Figures f = openFor45Minutes(settings);
        assertThat(f.schoolDay()).isFalse();
        assertThat(f.todayRequiredSeconds()).isZero();
        assertThat(f.weekRequiredSeconds()).isEqualTo(36_000 * 4 / 5); // four school days left in the week
        assertThat(f.schoolDaysLeft()).isEqualTo(4);
        assertThat(settings.calendarSource()).contains("calendar.json").contains("school.json");
    }

    @Test
    void aBrokenCalendarFileOrRuleSettingNamesItsKey() throws Exception {
        Path bad = dir.resolve("calendar.json");
        Files.writeString(bad, "{\"closures\": [\"2025-02-30\"]}");
        Properties p = properties();
        p.setProperty("calendar.file", bad.toString());
        assertThatThrownBy(() -> DeviceConfig.parse(p)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("calendar.file: ").hasMessageContaining("2025-02-30");

        Properties q = properties();
        q.setProperty("rules.dailySeconds", "90000");
        assertThatThrownBy(() -> DeviceConfig.parse(q)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rules.dailySeconds: ");
        Properties w = properties();
        w.setProperty("rules.weekPolicy", "sometimes");
        assertThatThrownBy(() -> DeviceConfig.parse(w)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rules.weekPolicy: ");
        Properties z = properties();
        z.setProperty("kiosk.timeZone", "Mars/Olympus");
        assertThatThrownBy(() -> DeviceConfig.parse(z)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kiosk.timeZone: ");
    }
}
