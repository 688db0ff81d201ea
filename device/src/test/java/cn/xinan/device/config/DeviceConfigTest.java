package cn.xinan.device.config;

import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceConfigTest {
    private static final Ed25519Keys.PrivateKey KEY = Ed25519Keys.generate(new SecureRandom());

    static Properties valid() {
        Properties p = new Properties();
        p.setProperty("device.id", "jm-db-001-r1");
        p.setProperty("device.privateKey", KEY.toBase64());
        p.setProperty("mqtt.url", "tcp://broker.example:1883");
        p.setProperty("mqtt.password", "s3cret-pw");
        p.setProperty("outbox.path", "/var/lib/xinan/outbox.db");
        return p;
    }

    @Test
    void minimalConfigGetsTheDocumentedDefaults() {
        DeviceConfig c = DeviceConfig.parse(valid());
        assertThat(c.deviceId()).isEqualTo("jm-db-001-r1");
        assertThat(c.privateKey()).isEqualTo(KEY);
        assertThat(c.outboxPath()).isEqualTo(Path.of("/var/lib/xinan/outbox.db"));
        assertThat(c.outboxSynchronous()).isEqualTo(SynchronousMode.FULL);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.reconnectMinDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.presencePin()).isEqualTo(17);
        assertThat(c.presenceActiveHigh()).isTrue();
    }

    @Test
    void everyKeyCanBeSet() {
        Properties p = valid();
        p.setProperty("outbox.synchronous", "normal");
        p.setProperty("heartbeat.interval", "PT30S");
        p.setProperty("mqtt.reconnect.minDelay", "500ms");
        p.setProperty("mqtt.reconnect.maxDelay", "2m");
        p.setProperty("gpio.presence.pin", "22");
        p.setProperty("gpio.presence.activeLevel", "low");
        DeviceConfig c = DeviceConfig.parse(p);
        assertThat(c.outboxSynchronous()).isEqualTo(SynchronousMode.NORMAL);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.reconnectMinDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.reconnectMaxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.presencePin()).isEqualTo(22);
        assertThat(c.presenceActiveHigh()).isFalse();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "device.id, 'room 1'",
            "device.privateKey, not-base64!",
            "device.privateKey, AAAA",
            "mqtt.url, http://broker:1883",
            "mqtt.url, tcp://broker",
            "outbox.synchronous, OFF",
            "heartbeat.interval, 0s",
            "heartbeat.interval, soon",
            "mqtt.reconnect.maxDelay, 1ms",
            "gpio.presence.pin, 28",
            "gpio.presence.pin, seventeen",
            "gpio.presence.activeLevel, up",
    })
    void aBadValueIsAnErrorNamingItsKey(String key, String value) {
        Properties p = valid();
        p.setProperty(key, value);
        assertThatThrownBy(() -> DeviceConfig.parse(p)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + ": ")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo(key);
    }

    @ParameterizedTest
    @CsvSource({"device.id", "device.privateKey", "mqtt.url", "outbox.path"})
    void aMissingRequiredKeyIsNamed(String key) {
        Properties p = valid();
        p.remove(key);
        assertThatThrownBy(() -> DeviceConfig.parse(p)).isInstanceOf(ConfigException.class)
                .hasMessage(key + ": is missing");
    }

    @Test
    void aMisspeltKeyIsAnErrorNotASilentDefault() {
        Properties p = valid();
        p.setProperty("heartbeat.intervall", "30s");
        assertThatThrownBy(() -> DeviceConfig.parse(p)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("heartbeat.intervall: unknown key");
    }

    @Test
    void secretsAreMaskedWhenTheConfigIsPrinted() {
        DeviceConfig c = DeviceConfig.parse(valid());
        assertThat(c.toString()).doesNotContain(KEY.toBase64()).doesNotContain("s3cret-pw")
                .contains("jm-db-001-r1").contains("******");
        assertThat(c.describe()).containsEntry("mqtt.password", "******");
    }

    @Test
    void aBadPrivateKeyIsNotEchoed() {
        Properties p = valid();
        p.setProperty("device.privateKey", "c2VjcmV0LWJ1dC1zaG9ydA==");
        assertThatThrownBy(() -> DeviceConfig.parse(p)).hasMessageNotContaining("c2VjcmV0LWJ1dC1zaG9ydA==");
    }

    @Test
    void sensorsKioskStaffAndClockKeysAreReadAndValidated() {
        Properties p = valid();
        String hash = cn.xinan.device.staff.PinHash.of("2468", 1000, new SecureRandom()).encoded();
        p.setProperty("gpio.presence.debounce", "100ms");
        p.setProperty("gpio.presence.hold", "30s");
        p.setProperty("gpio.presence.stuckAfter", "3h");
        p.setProperty("gpio.sign.pin", "27");
        p.setProperty("gpio.sign.openLevel", "low");
        p.setProperty("gpio.led.pin", "23");
        p.setProperty("room.name", "东宝区一中 心理辅导室");
        p.setProperty("room.openingHours", "周一至周五 12:00-13:00");
        p.setProperty("kiosk.port", "8091");
        p.setProperty("kiosk.idleTimeout", "45s");
        p.setProperty("staff.pins", "T01:" + hash + ", T02:" + hash);
        p.setProperty("staff.lockout.failures", "3");
        p.setProperty("staff.lockout.duration", "10m");
        p.setProperty("clock.jumpThreshold", "5m");
        DeviceConfig c = DeviceConfig.parse(p);
        assertThat(c.presenceSettings().hold()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.presenceStuckAfter()).isEqualTo(Duration.ofHours(3));
        assertThat(c.signSwitch()).hasValueSatisfying(s -> {
            assertThat(s.bcmPin()).isEqualTo(27);
            assertThat(s.openHigh()).isFalse();
            assertThat(s.staffCode()).isEqualTo("SIGN");
        });
        assertThat(c.statusLed()).hasValueSatisfying(l -> assertThat(l.bcmPin()).isEqualTo(23));
        assertThat(c.kiosk().roomName()).isEqualTo("东宝区一中 心理辅导室");
        assertThat(c.kiosk().openingHours()).isEqualTo("周一至周五 12:00-13:00");
        assertThat(c.kiosk().port()).isEqualTo(8091);
        assertThat(c.kiosk().idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.kiosk().timeZone()).isEqualTo(KioskSettings.DEFAULT_TIME_ZONE);
        assertThat(c.staff().pins()).extracting(s -> s.code()).containsExactly("T01", "T02");
        assertThat(c.staff().lockoutFailures()).isEqualTo(3);
        assertThat(c.clockSettings().jumpThreshold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.toString()).doesNotContain(hash.substring(20)).contains("T01:******");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gpio.presence.hold|-5s|gpio.presence.hold: ",
            "gpio.sign.pin|17|gpio.sign.pin: BCM 17 is already gpio.presence.pin",
            "gpio.led.pin|40|gpio.led.pin: BCM pin must be 0 to 27",
            "kiosk.port|70000|kiosk.port: must be 0 to 65535",
            "kiosk.idleTimeout|soon|kiosk.idleTimeout: 'soon' is not a duration",
            "staff.pins|T01:1234|staff.pins: entry 1 (T01): not a PIN hash",
            "staff.pins|nocolon|staff.pins: entry 1 is not CODE:HASH",
            "staff.lockout.failures|0|staff.lockout.failures: must be 1 to 100",
            "clock.jumpThreshold|0s|clock.jumpThreshold: must be at least 1s",
            "gpio.sign.openLevel|up|gpio.sign.openLevel: 'up' is not high or low"})
    void aBadNewSettingNamesItsKey(String key, String value, String message) {
        Properties p = valid();
        p.setProperty(key, value);
        if (key.startsWith("gpio.sign.") && !key.equals("gpio.sign.pin")) {
            p.setProperty("gpio.sign.pin", "27");
        }
        assertThatThrownBy(() -> DeviceConfig.parse(p)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }
}
