package cn.xinan.provisioning;

import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.Tier;

import java.util.Objects;

/**
 * A counseling room as the bureau registers it (one line of ROOMS.csv).
 *
 * @param county the county or district (东宝区)
 * @param school the school's id (jm-db-001)
 * @param roomId the room's id, unique in the city (jm-db-001-r1); a token safe for topics and tags
 * @param tier   合格 / 示范 / 未评定
 * @param name   the room's display name
 */
public record RoomRecord(String county, String school, String roomId, Tier tier, String name) {
    public RoomRecord {
        county = requireText(county, "county");
        school = requireText(school, "school");
        try {
            DeviceEvent.checkDeviceId(roomId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("device id", "room id"));
        }
        Objects.requireNonNull(tier, "tier is missing");
        name = requireText(name, "name");
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return value.strip();
    }
}
