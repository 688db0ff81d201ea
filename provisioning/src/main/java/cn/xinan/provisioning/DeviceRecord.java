package cn.xinan.provisioning;

import cn.xinan.event.DeviceEvent;
import cn.xinan.wire.Ed25519Keys;

import java.util.Objects;

/**
 * A registered device: which room it is installed in and the public key its events must verify with.
 * The device's MQTT user name is its id, so broker ACLs can confine it to {@code {deviceId}/#}.
 */
public record DeviceRecord(String deviceId, String roomId, Ed25519Keys.PublicKey publicKey) {
    public DeviceRecord {
        DeviceEvent.checkDeviceId(deviceId);
        try {
            DeviceEvent.checkDeviceId(roomId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("device id", "room id"));
        }
        Objects.requireNonNull(publicKey, "public key is missing");
    }
}
