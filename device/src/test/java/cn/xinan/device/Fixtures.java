package cn.xinan.device;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.SignedEvent;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Real objects for the device tests. */
final class Fixtures {
    static final Instant MONDAY_0750 = Instant.parse("2025-03-02T23:50:00Z"); // 07:50 in Asia/Shanghai
    static final Ed25519Keys.PrivateKey KEY = Ed25519Keys.generate(new SecureRandom());

    private Fixtures() {
    }

    /** A device config for tests: NORMAL outbox (fast), quick reconnects. */
    static DeviceConfig config(String deviceId, String mqttUrl, Path dir) {
        return DeviceConfig.of(deviceId, KEY, mqttUrl, "", dir.resolve(deviceId + ".outbox"))
                .withOutboxSynchronous(SynchronousMode.NORMAL)
                .withReconnectDelays(Duration.ofMillis(50), Duration.ofMillis(400));
    }

    /** A URL where nothing listens: the device records, and keeps trying to connect. */
    static String deadBrokerUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "tcp://127.0.0.1:" + s.getLocalPort();
        }
    }

    /** Everything still in a device's outbox file (the device must be off). */
    static List<SignedEvent> pending(DeviceConfig config) {
        try (Outbox outbox = Outbox.open(config.outboxPath(), config.deviceId(), SynchronousMode.NORMAL)) {
            return outbox.oldest(100_000);
        }
    }
}
