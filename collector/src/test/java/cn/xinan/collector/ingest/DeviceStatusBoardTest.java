package cn.xinan.collector.ingest;

import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;
import cn.xinan.wire.DeviceHealth;
import cn.xinan.wire.DeviceStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status board keeps each device's latest reported health (status schema 2) with the outbox depths of its last
 * reports; a schema 1 status (older devices, the last will) is still accepted, and a malformed health field makes the
 * status ignored and counted, nothing else.
 */
class DeviceStatusBoardTest {
    private static final Instant T0 = Instant.parse("2025-03-03T02:00:00Z");
    private final TestDevice device = new TestDevice("dev-1", "r1");
    private final Registry registry = new Registry(
            List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.QUALIFIED, "心理辅导室")), List.of(device.record()));
    private final DeviceStatusBoard board = new DeviceStatusBoard(registry, Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC));

    private void status(Instant at, DeviceHealth health) {
        board.statusMessage("dev-1/status", new DeviceStatus("dev-1", true, at, "0.1.0", health).encodeSigned(device.signer()));
    }

    private static DeviceHealth depth(long n) {
        return new DeviceHealth(0, false, true, 0, n, n == 0 ? 0 : 600);
    }

    @Test
    void theLatestHealthAndTheDepthsOfTheLastReportsAreKept() {
        status(T0, depth(3));
        status(T0.plusSeconds(300), depth(8));
        status(T0.plusSeconds(300), depth(8)); // the retained status again (a collector reconnect): not a new report
        status(T0.plusSeconds(600), depth(12));

        DeviceStatusBoard.DeviceState state = board.state("dev-1").orElseThrow();
        assertThat(state.health()).isEqualTo(depth(12));
        assertThat(state.healthReceivedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(state.recentDepths()).containsExactly(3L, 8L, 12L);

        for (int i = 0; i < 20; i++) {
            status(T0.plusSeconds(900 + 300L * i), depth(20 + i));
        }
        assertThat(board.state("dev-1").orElseThrow().recentDepths()).hasSize(DeviceStatusBoard.KEPT_DEPTHS)
                .endsWith(39L);
    }

    @Test
    void aSchemaOneStatusIsAcceptedAndTheLastWillKeepsTheLatestHealth() {
        board.statusMessage("dev-1/status", new DeviceStatus("dev-1", true, T0, "0.1.0").encodeSigned(device.signer()));
        assertThat(board.state("dev-1").orElseThrow().online()).isTrue();
        assertThat(board.state("dev-1").orElseThrow().health()).isNull();

        status(T0.plusSeconds(60), depth(5));
        board.statusMessage("dev-1/status", new DeviceStatus("dev-1", false, null, "0.1.0").encodeSigned(device.signer()));
        DeviceStatusBoard.DeviceState state = board.state("dev-1").orElseThrow();
        assertThat(state.online()).isFalse();
        assertThat(state.health()).isEqualTo(depth(5));
        assertThat(board.statusRejected()).isZero();
    }

    @Test
    void aStatusWithAMalformedHealthFieldIsIgnoredAndCounted() {
        status(T0, depth(5));
        String[] malformed = {
                "{\"schema\":2,\"device\":\"dev-1\",\"state\":\"online\",\"sensorUnchangedOpenSeconds\":-1,\"sensorError\":false,"
                        + "\"clockSynced\":true,\"clockUnsyncedSeconds\":0,\"outboxDepth\":1,\"outboxOldestSeconds\":1}",
                "{\"schema\":2,\"device\":\"dev-1\",\"state\":\"online\",\"sensorUnchangedOpenSeconds\":0,\"sensorError\":false,"
                        + "\"clockSynced\":\"yes\",\"clockUnsyncedSeconds\":0,\"outboxDepth\":1,\"outboxOldestSeconds\":1}",
                "{\"schema\":2,\"device\":\"dev-1\",\"state\":\"online\",\"outboxDepth\":1}",
                "{\"schema\":1,\"device\":\"dev-1\",\"state\":\"online\",\"outboxDepth\":1}"};
        for (String m : malformed) {
            board.statusMessage("dev-1/status", m.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(board.statusRejected()).isEqualTo(malformed.length);
        assertThat(board.state("dev-1").orElseThrow().health()).isEqualTo(depth(5));
        assertThat(board.state("dev-1").orElseThrow().recentDepths()).containsExactly(5L);
    }
}
