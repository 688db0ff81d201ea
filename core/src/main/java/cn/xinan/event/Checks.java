package cn.xinan.event;

/** Preconditions shared by the value types of this package; messages name the field. */
final class Checks {
    /** The longest id or code. */
    private static final int TOKEN_MAX = 64;

    private Checks() {
    }

    static String token(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!isToken(value)) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        }
        return value;
    }

    /**
     * Ids and codes: 1 to 64 characters of {@code A-Z a-z 0-9 . _ : -} (printable ASCII without separators, so they are
     * safe in topics, tags and logs). A loop rather than a regular expression: every event read back from a store is
     * checked again, twice (event and device id), and this is most of what that costs.
     */
    private static boolean isToken(String value) {
        int n = value.length();
        if (n < 1 || n > TOKEN_MAX) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
