package cn.xinan.rules;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the verdicts depend on besides the events and the calendar (docs/rules.md: "every report states
 * the rule version and settings it was computed with"). Validated once, here; error messages name the
 * setting as it is spelled in RESULT.json.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code ruleVersion} {@value #DEFAULT_RULE_VERSION}: identifies the rule text and engine semantics;
 *       change it whenever a verdict could change for the same events</li>
 *   <li>{@code thresholds} 3,600 s a day and 36,000 s a week for every tier ({@link Thresholds#DEFAULT})</li>
 *   <li>{@code weekPolicy} {@link WeekPolicy#PRORATE}</li>
 *   <li>{@code unattendedGapSeconds} 1,800: a vacancy of at least 30 minutes inside an open interval is
 *       unattended</li>
 * </ul>
 *
 * @param ruleVersion          the version stated in every result, 1 to 64 printable characters
 * @param thresholds           the thresholds of every tier (all three tiers must be given)
 * @param weekPolicy           how weeks with fewer than five school days are assessed
 * @param unattendedGapSeconds the shortest vacancy, in seconds, that counts as unattended (at least 1, at
 *                             most 86,400)
 */
public record RuleSettings(String ruleVersion, Map<Tier, Thresholds> thresholds, WeekPolicy weekPolicy,
                           long unattendedGapSeconds) {

    /** The version of the rules as implemented by this engine (docs/rules.md as of issue 2). */
    public static final String DEFAULT_RULE_VERSION = "1.0";

    public RuleSettings {
        if (ruleVersion == null || ruleVersion.isBlank()) {
            throw new IllegalArgumentException("ruleVersion is missing");
        }
        if (ruleVersion.length() > 64 || ruleVersion.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("ruleVersion '" + ruleVersion
                    + "' must be at most 64 characters without control characters");
        }
        Objects.requireNonNull(thresholds, "thresholds is missing");
        EnumMap<Tier, Thresholds> copy = new EnumMap<>(Tier.class);
        for (Map.Entry<Tier, Thresholds> e : thresholds.entrySet()) {
            copy.put(Objects.requireNonNull(e.getKey(), "thresholds has a null tier"),
                    Objects.requireNonNull(e.getValue(), "thresholds of tier " + e.getKey() + " is missing"));
        }
        for (Tier tier : Tier.values()) {
            if (!copy.containsKey(tier)) {
                throw new IllegalArgumentException("thresholds of tier " + tier.chineseName() + " ("
                        + tier.englishName() + ") is missing");
            }
        }
        thresholds = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(weekPolicy, "weekPolicy is missing");
        if (unattendedGapSeconds < 1 || unattendedGapSeconds > 86_400) {
            throw new IllegalArgumentException("unattendedGapSeconds must be between 1 and 86400, was "
                    + unattendedGapSeconds);
        }
    }

    /** The defaults of docs/rules.md: version {@value #DEFAULT_RULE_VERSION}, 3,600 s, 36,000 s, prorate, 1,800 s. */
    public static RuleSettings defaults() {
        EnumMap<Tier, Thresholds> all = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            all.put(tier, Thresholds.DEFAULT);
        }
        return new RuleSettings(DEFAULT_RULE_VERSION, all, WeekPolicy.PRORATE, 1_800);
    }

    /** The thresholds that apply to a room of {@code tier}. */
    public Thresholds thresholdsFor(Tier tier) {
        return thresholds.get(Objects.requireNonNull(tier, "tier is missing"));
    }

    /** These settings under another version name. */
    public RuleSettings withRuleVersion(String version) {
        return new RuleSettings(version, thresholds, weekPolicy, unattendedGapSeconds);
    }

    /** These settings with {@code tier}'s thresholds replaced. */
    public RuleSettings withThresholds(Tier tier, Thresholds tierThresholds) {
        EnumMap<Tier, Thresholds> copy = new EnumMap<>(thresholds);
        copy.put(Objects.requireNonNull(tier, "tier is missing"), tierThresholds);
        return new RuleSettings(ruleVersion, copy, weekPolicy, unattendedGapSeconds);
    }

    /** These settings with the same thresholds for every tier. */
    public RuleSettings withThresholdsForAllTiers(Thresholds allTiers) {
        EnumMap<Tier, Thresholds> copy = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            copy.put(tier, allTiers);
        }
        return new RuleSettings(ruleVersion, copy, weekPolicy, unattendedGapSeconds);
    }

    /** These settings with another week policy. */
    public RuleSettings withWeekPolicy(WeekPolicy policy) {
        return new RuleSettings(ruleVersion, thresholds, policy, unattendedGapSeconds);
    }

    /** These settings with another unattended gap, in seconds. */
    public RuleSettings withUnattendedGapSeconds(long seconds) {
        return new RuleSettings(ruleVersion, thresholds, weekPolicy, seconds);
    }
}
