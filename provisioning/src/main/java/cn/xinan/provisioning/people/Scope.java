package cn.xinan.provisioning.people;

import java.util.Objects;

/**
 * The part of the city a person may see: the whole city, one county (as named in rooms.csv, 东宝区) or one
 * school (its id, jm-db-001). Written {@code city}, {@code county:东宝区} or {@code school:jm-db-001}.
 *
 * @param kind  how wide
 * @param value the county's name or the school's id; empty for the city
 */
public record Scope(Kind kind, String value) {
    public enum Kind { CITY, COUNTY, SCHOOL }

    public static final Scope CITY = new Scope(Kind.CITY, "");

    public Scope {
        Objects.requireNonNull(kind, "scope kind is missing");
        value = value == null ? "" : value.strip();
        if (kind == Kind.CITY && !value.isEmpty()) {
            throw new IllegalArgumentException("the city scope takes no value, was '" + value + "'");
        }
        if (kind != Kind.CITY && value.isEmpty()) {
            throw new IllegalArgumentException("a " + kind.name().toLowerCase() + " scope needs a name: "
                    + kind.name().toLowerCase() + ":NAME");
        }
        if (value.indexOf(',') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('"') >= 0) {
            throw new IllegalArgumentException("scope '" + value + "' contains a comma, quote or line break");
        }
    }

    public static Scope county(String name) {
        return new Scope(Kind.COUNTY, name);
    }

    public static Scope school(String id) {
        return new Scope(Kind.SCHOOL, id);
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Scope parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("city")) {
            return CITY;
        }
        int colon = t.indexOf(':');
        if (colon > 0) {
            String kind = t.substring(0, colon);
            String value = t.substring(colon + 1);
            if (kind.equals("county")) {
                return county(value);
            }
            if (kind.equals("school")) {
                return school(value);
            }
        }
        throw new IllegalArgumentException("scope '" + t + "' must be city, county:NAME or school:ID");
    }

    /** Whether a room of {@code county} and {@code school} lies inside this scope. */
    public boolean covers(String county, String school) {
        return switch (kind) {
            case CITY -> true;
            case COUNTY -> value.equals(county);
            case SCHOOL -> value.equals(school);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.CITY ? "city" : kind.name().toLowerCase() + ":" + value;
    }
}
