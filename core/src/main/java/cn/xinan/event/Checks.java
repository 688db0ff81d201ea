package cn.xinan.event;

import java.util.regex.Pattern;

/** Preconditions shared by the value types of this package; messages name the field. */
final class Checks {
    /** Ids and codes: printable ASCII without separators, so they are safe in topics, tags and logs. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Checks() {
    }

    static String token(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        }
        return value;
    }
}
