package cn.xinan.launcher.faults;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.WireCodec;
import cn.xinan.wire.WireFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated room device of the fault suite: its key, its configuration file (a short heartbeat, short
 * reconnect delays, a short time-out after which unacknowledged events are sent again, outbox {@code FULL}) and its
 * outbox file, created with the opt-in ledger
 * ({@link Outbox#LEDGER_TABLE}) so that every event it ever commits can be read back.
 */
record DeviceSpec(String deviceId, String roomId, Ed25519Keys.PrivateKey key, Path configFile, Path outboxPath) {

    /**
     * @param heartbeat  {@code heartbeat.interval}, for example {@code 1s}
     * @param ackTimeout {@code mqtt.ackTimeout}: how long the device waits for the collector's acknowledgement before it
     *                   sends its unacknowledged events again (doubling while nothing comes back)
     */
    static DeviceSpec create(Path dir, String deviceId, String roomId, Ed25519Keys.PrivateKey key, String mqttUrl,
                             String heartbeat, String ackTimeout) {
        Path home = dir.resolve(deviceId);
        Path config = home.resolve("device.properties");
        Path outbox = home.resolve("outbox.db");
        try {
            Files.createDirectories(home);
            Files.writeString(config, String.join("\n",
                    DeviceConfig.DEVICE_ID + "=" + deviceId,
                    DeviceConfig.PRIVATE_KEY + "=" + key.toBase64(),
                    DeviceConfig.MQTT_URL + "=" + mqttUrl,
                    DeviceConfig.MQTT_RECONNECT_MIN_DELAY + "=100ms",
                    DeviceConfig.MQTT_RECONNECT_MAX_DELAY + "=1s",
                    DeviceConfig.MQTT_ACK_TIMEOUT + "=" + ackTimeout,
                    DeviceConfig.OUTBOX_PATH + "=" + outbox,
                    DeviceConfig.OUTBOX_SYNCHRONOUS + "=FULL",
                    DeviceConfig.HEARTBEAT_INTERVAL + "=" + heartbeat, ""));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outbox); Statement s = c.createStatement()) {
                s.executeUpdate(Outbox.LEDGER_TABLE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the ledger of " + deviceId + ": " + e.getMessage(), e);
        }
        return new DeviceSpec(deviceId, roomId, key, config, outbox);
    }

    DeviceConfig config() {
        return DeviceConfig.load(configFile);
    }

    /** Every event this device committed to its outbox so far, in sequence order. */
    List<SignedEvent> ledger() {
        List<SignedEvent> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxPath); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            try (ResultSet rs = s.executeQuery("SELECT payload FROM ledger ORDER BY seq")) {
                while (rs.next()) {
                    events.add(WireCodec.decode(rs.getBytes(1)).events().get(0));
                }
            }
        } catch (SQLException | WireFormatException e) {
            throw new IllegalStateException("cannot read the ledger of " + deviceId + ": " + e.getMessage(), e);
        }
        return events;
    }

    /** Events still waiting in the outbox. */
    long pending() {
        return count("outbox");
    }

    /** Events committed so far. */
    long recorded() {
        return count("ledger");
    }

    private long count(String table) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxPath); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the " + table + " of " + deviceId + ": " + e.getMessage(), e);
        }
    }
}
