package cn.xinan.device;

import cn.xinan.device.clock.ClockKeeper;
import cn.xinan.device.gpio.PresenceInput;
import cn.xinan.device.mqtt.MqttPublisher;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.room.EventRecorder;
import cn.xinan.device.room.RoomState;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The device's health for the kiosk's staff screen: delivery (connection, outbox, acknowledgement, thinned
 * heartbeats), time (sync, jumps, held events), the presence sensor and the machine (free disk, SoC temperature);
 * {@code null} where a value is unknown (outbox closed, no thermal zone).
 */
final class HealthProbe {
    private static final Path THERMAL_ZONE = Path.of("/sys/class/thermal/thermal_zone0/temp");

    private final Path outboxPath;
    private final Clock clock;
    private final Instant startedAt;
    private final Outbox outbox;
    private final MqttPublisher publisher;
    private final EventRecorder recorder;
    private final ClockKeeper clockKeeper;
    private final PresenceInput presence;
    private final String firmware;

    HealthProbe(Path outboxPath, Clock clock, RoomDeviceWiring.Parts parts, String firmware) {
        this.outboxPath = outboxPath;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.outbox = parts.outbox();
        this.publisher = parts.publisher();
        this.recorder = parts.recorder();
        this.clockKeeper = parts.clockKeeper();
        this.presence = parts.presence();
        this.firmware = firmware;
    }

    /** @param room the room as the device sees it ({@code null} before boot) */
    Map<String, Object> report(RoomState room, boolean sensorStuck) {
        boolean open = !outbox.isClosed();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("network", publisher.isConnected());
        h.put("outboxDepth", open ? outbox.depth() : null);
        h.put("clockSynced", clockKeeper.isSynced());
        h.put("lastClockJump", clockKeeper.lastJump().orElse(null));
        h.put("heldEvents", open ? (long) outbox.held().size() : null);
        h.put("acknowledgedThrough", publisher.acknowledgedThrough());
        h.put("heartbeatsThinned", recorder.heartbeatsThinned());
        h.put("heartbeatsSkippedDiskFull", recorder.heartbeatsSkippedDiskFull());
        h.put("presence", room != null && room.occupied());
        h.put("lastPresenceChange", presence.lastRawChange());
        h.put("sensorStuck", sensorStuck);
        h.put("diskFreeMB", diskFreeMegabytes(outboxPath));
        h.put("cpuTemperatureC", cpuTemperature());
        h.put("firmware", firmware);
        h.put("uptime", Duration.between(startedAt, clock.instant()));
        return h;
    }

    /** Free space, in MiB, of the file system holding {@code file}. */
    static Long diskFreeMegabytes(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            FileStore store = Files.getFileStore(dir);
            return store.getUsableSpace() / (1024 * 1024);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The SoC temperature from the Linux thermal zone (millidegrees), {@code null} where there is none. */
    static Double cpuTemperature() {
        try {
            return Long.parseLong(Files.readString(THERMAL_ZONE).trim()) / 1000.0;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
