package cn.xinan.collector.warnings;

import cn.xinan.provisioning.RoomRecord;

import java.util.Objects;

/**
 * Whose rooms a target hears about: the whole city, one county (by its name as in the registry, 东宝区) or one
 * school (by its id). Written {@code city}, {@code county:东宝区} or {@code school:jm-db-001}.
 */
public record WarningScope(Level level, String name) {
    public enum Level { CITY, COUNTY, SCHOOL }

    public WarningScope {
        Objects.requireNonNull(level, "level is missing");
        name = level == Level.CITY ? "" : Objects.requireNonNull(name, "name is missing").strip();
        if (level != Level.CITY && name.isEmpty()) {
            throw new IllegalArgumentException(level.name().toLowerCase(java.util.Locale.ROOT) + " scope needs a name");
        }
    }

    public static WarningScope parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("city")) {
            return new WarningScope(Level.CITY, "");
        }
        if (t.startsWith("county:")) {
            return new WarningScope(Level.COUNTY, t.substring("county:".length()));
        }
        if (t.startsWith("school:")) {
            return new WarningScope(Level.SCHOOL, t.substring("school:".length()));
        }
        throw new IllegalArgumentException("scope '" + text + "' is not city, county:NAME or school:ID");
    }

    public boolean covers(RoomRecord room) {
        return switch (level) {
            case CITY -> true;
            case COUNTY -> room.county().equals(name);
            case SCHOOL -> room.school().equals(name);
        };
    }

    @Override
    public String toString() {
        return level == Level.CITY ? "city" : level.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
    }
}
