package cn.xinan.provisioning;

import cn.xinan.event.DeviceEvent;

/**
 * A school as the bureau registers it (one line of {@code schools.csv}).
 *
 * @param schoolId the school's id (jm-db-001): a token safe for tags and file names
 * @param name     the school's display name (东宝实验小学)
 * @param county   the county or district it belongs to (东宝区)
 */
public record SchoolRecord(String schoolId, String name, String county) {
    public SchoolRecord {
        try {
            DeviceEvent.checkDeviceId(schoolId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("device id", "school id"));
        }
        name = requireText(name, "school name");
        county = requireText(county, "county");
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return value.strip();
    }
}
