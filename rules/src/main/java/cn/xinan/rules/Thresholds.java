package cn.xinan.rules;

/**
 * The attended time a room of one tier needs (docs/rules.md §5).
 *
 * @param dailySeconds  attended seconds required on every school day (default 3,600 s), 0 to 86,400
 * @param weeklySeconds attended seconds required in a week of five or more school days (default 36,000 s),
 *                      0 to 604,800
 */
public record Thresholds(long dailySeconds, long weeklySeconds) {
    /** The action plan's thresholds: 1 hour a day, 10 hours a week. */
    public static final Thresholds DEFAULT = new Thresholds(3_600, 36_000);

    public Thresholds {
        if (dailySeconds < 0 || dailySeconds > 86_400) {
            throw new IllegalArgumentException("dailySeconds must be between 0 and 86400, was " + dailySeconds);
        }
        if (weeklySeconds < 0 || weeklySeconds > 604_800) {
            throw new IllegalArgumentException("weeklySeconds must be between 0 and 604800, was " + weeklySeconds);
        }
    }
}
