package cn.xinan.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Event and device ids are tokens: 1 to 64 characters of A-Z a-z 0-9 . _ : - (safe in topics, tags and logs). */
class DeviceEventIdsTest {
    private static final Instant AT = Instant.parse("2025-03-03T08:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "jm-db-001-r1-d1", "e.7_x:y-Z9", "6f1c2d1e-8b3a-4c55-9d2e-0a1b2c3d4e5f",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void tokensOfTheAllowedCharactersAreAccepted(String id) {
        DeviceEvent e = new DeviceEvent(id, id, 1, AT, true, new EventBody.Heartbeat());

        assertThat(e.eventId()).isEqualTo(id);
        assertThat(DeviceEvent.checkDeviceId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a/b", "a+b", "a#", "dev\n1", "设备", "é", "a\u0000",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void anythingElseIsRefusedNamingTheField(String id) {
        assertThatThrownBy(() -> new DeviceEvent(id, "dev-1", 1, AT, true, new EventBody.Heartbeat()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event id");
        assertThatThrownBy(() -> new DeviceEvent("e-1", id, 1, AT, true, new EventBody.Heartbeat()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device id");
    }
}
