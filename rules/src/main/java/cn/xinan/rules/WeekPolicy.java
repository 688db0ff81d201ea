package cn.xinan.rules;

import java.util.Arrays;

/**
 * How the weekly requirement treats weeks with fewer than five school days (docs/rules.md §5). With
 * {@code d} school days in the week and a weekly threshold {@code W}:
 */
public enum WeekPolicy {
    /** Required {@code W × min(d, 5) / 5} (rounded up to the second); the default. */
    PRORATE("prorate"),
    /** Required {@code W} whenever {@code d ≥ 1}. */
    FULL("full"),
    /** Weeks with {@code d < 5} are not assessed ({@link Verdict#NOT_REQUIRED}); others require {@code W}. */
    SKIP("skip");

    private final String wireName;

    WeekPolicy(String wireName) {
        this.wireName = wireName;
    }

    /** The name in settings and in RESULT.json, for example {@code prorate}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Reads a policy from its wire name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static WeekPolicy parse(String value) {
        if (value != null) {
            for (WeekPolicy policy : values()) {
                if (policy.wireName.equalsIgnoreCase(value.strip())) {
                    return policy;
                }
            }
        }
        throw new IllegalArgumentException("unknown weekPolicy " + (value == null ? "null" : "'" + value + "'")
                + ", expected one of " + Arrays.stream(values()).map(WeekPolicy::wireName).toList());
    }

    /**
     * The attended seconds required in a week with {@code schoolDays} school days, or {@code 0} when the
     * week is not assessed.
     */
    long requiredSeconds(long weeklySeconds, int schoolDays) {
        if (schoolDays <= 0) {
            return 0;
        }
        return switch (this) {
            // Rounded up: a requirement is never relaxed by rounding (exact for the default 36,000 s).
            case PRORATE -> Math.ceilDiv(weeklySeconds * Math.min(schoolDays, 5), 5);
            case FULL -> weeklySeconds;
            case SKIP -> schoolDays < 5 ? 0 : weeklySeconds;
        };
    }

    /** Whether a week with {@code schoolDays} school days is assessed at all. */
    boolean assesses(int schoolDays) {
        return switch (this) {
            case PRORATE, FULL -> schoolDays >= 1;
            case SKIP -> schoolDays >= 5;
        };
    }
}
