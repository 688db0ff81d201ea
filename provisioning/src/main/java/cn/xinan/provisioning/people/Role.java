package cn.xinan.provisioning.people;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a person does in the district (docs/security.md has what each role may see and do). The id is
 * the spelling in {@code people.csv} and on the command line.
 */
public enum Role {
    /** The bureau's administrator: everything, across the city. */
    CITY_ADMIN("city-admin"),
    /** A county's (district's) education office: everything within that county. */
    COUNTY_ADMIN("county-admin"),
    /** A school's administrator: that school's rooms only. */
    SCHOOL_ADMIN("school-admin"),
    /** Reads verdicts across their scope and may export them; changes nothing. */
    INSPECTOR("inspector"),
    /** Keeps the fleet running: devices, quarantine, ingest health and metrics; no verdicts. */
    IT_OPERATOR("it-operator");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the accepted spellings */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.id.equals(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role '" + text + "' is not one of "
                + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
    }

    /**
     * Whether a person of this role may hold {@code scope}: a city admin the city, a county admin a county, a
     * school admin a school; inspectors and IT operators any scope.
     */
    public boolean allows(Scope scope) {
        return switch (this) {
            case CITY_ADMIN -> scope.kind() == Scope.Kind.CITY;
            case COUNTY_ADMIN -> scope.kind() == Scope.Kind.COUNTY;
            case SCHOOL_ADMIN -> scope.kind() == Scope.Kind.SCHOOL;
            case INSPECTOR, IT_OPERATOR -> true;
        };
    }
}
