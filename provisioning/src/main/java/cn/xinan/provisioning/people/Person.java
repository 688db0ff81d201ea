package cn.xinan.provisioning.people;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One account of {@code people.csv}.
 *
 * @param user         the sign-in name: 2 to 64 letters, digits, {@code . _ -} (ASCII, so it is the same in every
 *                     keyboard layout and log)
 * @param role         what the person does
 * @param scope        the part of the city they see; must suit the role ({@link Role#allows})
 * @param disabled     a disabled person cannot sign in, and their sessions and tokens stop working
 * @param passwordHash the Argon2id hash ({@link PasswordHasher}), never the password
 */
public record Person(String user, Role role, Scope scope, boolean disabled, String passwordHash) {
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{2,64}");

    public Person {
        checkUser(user);
        Objects.requireNonNull(role, "role is missing");
        Objects.requireNonNull(scope, "scope is missing");
        if (!role.allows(scope)) {
            throw new IllegalArgumentException("a " + role.id() + " cannot have scope " + scope + " ("
                    + switch (role) {
                        case CITY_ADMIN -> "city";
                        case COUNTY_ADMIN -> "county:NAME";
                        case SCHOOL_ADMIN -> "school:ID";
                        default -> "any";
                    } + " expected)");
        }
        if (passwordHash == null || !passwordHash.startsWith(PasswordHasher.PREFIX)) {
            throw new IllegalArgumentException("password of " + user + " is not an Argon2id hash ("
                    + PasswordHasher.PREFIX + "…)");
        }
    }

    /** @throws IllegalArgumentException when {@code user} is not a valid sign-in name */
    public static String checkUser(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("user name '" + user
                    + "' must be 2 to 64 characters: letters, digits, '.', '_' or '-'");
        }
        return user;
    }

    public Person withDisabled(boolean value) {
        return new Person(user, role, scope, value, passwordHash);
    }

    public Person withPasswordHash(String hash) {
        return new Person(user, role, scope, disabled, hash);
    }

    /** No hash in logs. */
    @Override
    public String toString() {
        return "Person[" + user + ", " + role.id() + ", " + scope + (disabled ? ", disabled" : "") + "]";
    }
}
