package cn.xinan.collector.rollup;

/**
 * The action plan's targets a roll-up is measured against (docs/web-ui.md): by {@code byYear}, at least
 * {@code qualifiedPercent} % of the rooms rated 合格 or better (示范 counts as 合格) and at least
 * {@code demonstrationPercent} % rated 示范. Settings of the collector ({@code targets.*}), not constants: a
 * bureau whose plan differs changes its configuration. Defaults: every room 合格, 20 % 示范, by 2025.
 *
 * @param qualifiedPercent     share of rooms rated 合格 or 示范 the plan asks for, 0 to 100
 *                             ({@code targets.qualified-percent})
 * @param demonstrationPercent share of rooms rated 示范 the plan asks for, 0 to 100
 *                             ({@code targets.demonstration-percent})
 * @param byYear               the year by whose end the plan wants them met ({@code targets.by-year})
 */
public record Targets(int qualifiedPercent, int demonstrationPercent, int byYear) {
    public static final Targets DEFAULTS = new Targets(100, 20, 2025);

    public Targets {
        if (qualifiedPercent < 0 || qualifiedPercent > 100) {
            throw new IllegalArgumentException("targets.qualified-percent must be between 0 and 100, was " + qualifiedPercent);
        }
        if (demonstrationPercent < 0 || demonstrationPercent > 100) {
            throw new IllegalArgumentException("targets.demonstration-percent must be between 0 and 100, was "
                    + demonstrationPercent);
        }
        if (demonstrationPercent > qualifiedPercent) {
            throw new IllegalArgumentException("targets.demonstration-percent (" + demonstrationPercent
                    + ") must not exceed targets.qualified-percent (" + qualifiedPercent + "): a 示范 room is also 合格");
        }
        if (byYear < 2000 || byYear > 2099) {
            throw new IllegalArgumentException("targets.by-year must be between 2000 and 2099, was " + byYear);
        }
    }
}
