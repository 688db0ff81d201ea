package cn.xinan.collector.warnings;

import cn.xinan.wire.DeviceHealth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the collector last heard of one device's health (its signed status, docs/mqtt-contract.md "Status schema 2"),
 * for the device warnings of {@link WarningRules}.
 *
 * @param deviceId     the device
 * @param online       whether its last status said online (the last will says offline)
 * @param health       the latest health it reported
 * @param receivedAt   when that health arrived (collector clock)
 * @param recentDepths the outbox depths of its last health reports, oldest first
 */
public record DeviceReport(String deviceId, boolean online, DeviceHealth health, Instant receivedAt,
                           List<Long> recentDepths) {
    public DeviceReport {
        Objects.requireNonNull(deviceId, "deviceId is missing");
        Objects.requireNonNull(health, "health is missing");
        Objects.requireNonNull(receivedAt, "receivedAt is missing");
        recentDepths = List.copyOf(Objects.requireNonNull(recentDepths, "recentDepths are missing"));
    }
}
