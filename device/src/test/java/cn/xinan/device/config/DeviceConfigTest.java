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
}
