package cn.xinan.collector.figures;

/**
 * When and how far back the collector writes derived figures ({@code room_day}, {@code room_week},
 * {@code rooms}) to InfluxDB (docs/collector.md, "Derived figures").
 *
 * @param intervalSeconds seconds between two runs ({@code figures.interval-seconds}); 0 disables the figures
 * @param weeksBack       previous ISO weeks recomputed with the current one ({@code figures.weeks-back})
 */
public record FiguresSettings(int intervalSeconds, int weeksBack) {
    public static final int DEFAULT_INTERVAL_SECONDS = 300;
    public static final int DEFAULT_WEEKS_BACK = 2;
    /** With the current week, the period stays inside VerdictService's 400-day limit. */
    public static final int MAX_WEEKS_BACK = 52;

    public FiguresSettings {
        if (intervalSeconds < 0) {
            throw new IllegalArgumentException("figures.interval-seconds must be 0 (disabled) or more, was "
                    + intervalSeconds);
        }
        if (weeksBack < 0 || weeksBack > MAX_WEEKS_BACK) {
            throw new IllegalArgumentException("figures.weeks-back must be between 0 and " + MAX_WEEKS_BACK + ", was "
                    + weeksBack);
        }
    }

    public static FiguresSettings defaults() {
        return new FiguresSettings(DEFAULT_INTERVAL_SECONDS, DEFAULT_WEEKS_BACK);
    }

    public boolean enabled() {
        return intervalSeconds > 0;
    }
}
